using System.Text.Json.Nodes;

namespace Raftex.E2E.Tests;

/// <summary>The real kubectl binary against one platform's kubeconfig.</summary>
public sealed class Kubectl(string kubeconfig)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs kubectl; returns exit code, stdout and stderr.</summary>
    public async Task<(int ExitCode, string Output, string Error)> TryAsync(params string[] args) =>
        await Repository.RunAsync("kubectl", ["--kubeconfig", kubeconfig, .. args], CallTimeout);

    /// <summary>Runs kubectl and fails with its stderr when it exits non-zero.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var (code, output, error) = await TryAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {error}{output}");
        return output;
    }

    /// <summary>kubectl get … -o json, parsed.</summary>
    public async Task<JsonNode> JsonAsync(params string[] args) => JsonNode.Parse(await RunAsync([.. args, "-o", "json"]))!;

    /// <summary>kubectl get … -o json, or null when the object does not exist.</summary>
    public async Task<JsonNode?> FindAsync(params string[] args)
    {
        var (code, output, error) = await TryAsync([.. args, "-o", "json"]);
        if (code != 0 && error.Contains("NotFound", StringComparison.Ordinal))
        {
            return null;
        }

        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {error}");
        return JsonNode.Parse(output);
    }

    /// <summary>kubectl apply of a manifest given as text.</summary>
    public async Task<(int ExitCode, string Output, string Error)> ApplyAsync(string manifest, string? ns = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"raftex-e2e-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifest);
        try
        {
            return ns is null ? await TryAsync("apply", "-f", file) : await TryAsync("apply", "-n", ns, "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

using System.Diagnostics;

namespace Raftex.ApiServer.Tests;

/// <summary>Runs the real kubectl binary against a server through a generated kubeconfig.</summary>
internal sealed class Kubectl : IDisposable
{
    private readonly string _dir;
    private readonly string _kubeconfig;

    public Kubectl(ApiServerHost host)
    {
        _dir = Directory.CreateTempSubdirectory("raftex-kubectl-").FullName;
        _kubeconfig = host.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
    }

    public string Write(string fileName, string content)
    {
        var path = Path.Combine(_dir, fileName);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(_kubeconfig);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(Path.Combine(_dir, "cache"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task<string> OkAsync(params string[] args)
    {
        var (code, output, err) = await RunAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {err}\n{output}");
        return output;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

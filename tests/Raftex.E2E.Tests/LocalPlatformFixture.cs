using System.Globalization;
using System.Text.Json.Nodes;

namespace Raftex.E2E.Tests;

/// <summary>
/// One local platform per test class, started and stopped the way a user does (raftex local up / down), with the CRDs
/// applied by kubectl. Tests use a namespace each, so they share the platform without seeing each other's objects.
/// </summary>
public sealed class LocalPlatformFixture : IAsyncLifetime
{
    /// <summary>The operator's default election timeout: every deadline below is a multiple of it, with room for a loaded machine.</summary>
    public static readonly TimeSpan ElectionTimeout = TimeSpan.FromMilliseconds(1000);

    /// <summary>A new cluster elects and reports Available within this (process start, bootstrap, election, status).</summary>
    public static readonly TimeSpan ClusterReady = ElectionTimeout * 60 + TimeSpan.FromSeconds(60);

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), $"raftex-e2e-{Guid.NewGuid():N}");

    public int ApiPort { get; } = LoopbackPorts.Reserve();

    public string Network { get; } = PodNetwork.ForThisProcess;

    public Kubectl Kubectl => new(Path.Combine(StateDirectory, "kubeconfig"));

    public async Task InitializeAsync()
    {
        var (code, output, error) = await LocalAsync("up");
        Assert.True(code == 0, $"raftex local up exited {code}: {error}{output}");
        await Kubectl.RunAsync("apply", "-f", Path.Combine(Repository.Root, "crds"));
        await Kubectl.RunAsync("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s");
    }

    public async Task DisposeAsync()
    {
        await LocalAsync("down");
        Directory.Delete(StateDirectory, recursive: true);
    }

    public Task<(int ExitCode, string Output, string Error)> LocalAsync(string verb) =>
        Repository.RunAsync("dotnet", [Repository.RaftexCli, "local", verb, "--state", StateDirectory, "--api-port", ApiPort.ToString(CultureInfo.InvariantCulture),
            "--pod-network", Network, "--configuration", Repository.Configuration], CommandTimeout);

    /// <summary>A fresh namespace for one test.</summary>
    public async Task<string> NamespaceAsync(string name)
    {
        // Not `kubectl create namespace`: that generator sends protobuf, which the embedded API server does not speak.
        var (code, output, error) = await Kubectl.ApplyAsync($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n");
        Assert.True(code == 0, $"kubectl apply of namespace {name} exited {code}: {error}{output}");
        return name;
    }

    /// <summary>An ExchangeCluster manifest with one symbol.</summary>
    public static string ExchangeCluster(string name, int replicas = 3, string image = "raftex/node:1.0", string extraSpec = "") => $"""
        apiVersion: raftex.io/v1alpha1
        kind: ExchangeCluster
        metadata:
          name: {name}
        spec:
          replicas: {replicas}
          image: {image}
          symbols:
            - {"{"}name: BTC-USD, tickSize: "0.01", lotSize: "0.0001"{"}"}
          storage:
            size: 1Gi
        {extraSpec}
        """;

    /// <summary>Applies a 3-node (or <paramref name="replicas"/>) cluster and waits until it is Available.</summary>
    public async Task CreateClusterAsync(string ns, string name, int replicas = 3)
    {
        var (code, output, error) = await Kubectl.ApplyAsync(ExchangeCluster(name, replicas), ns);
        Assert.True(code == 0, $"kubectl apply exited {code}: {error}{output}");
        await UntilAsync(async () => Condition(await Kubectl.JsonAsync("get", "xc", name, "-n", ns), "Available") == "True", $"{ns}/{name} is Available", ClusterReady);
    }

    /// <summary>The status of condition <paramref name="type"/> of an object (null when absent).</summary>
    public static string? Condition(JsonNode obj, string type) =>
        obj["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == type)?["status"]?.GetValue<string>();

    /// <summary>Polls every 500 ms (each poll is a kubectl process; faster only loads the machine).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting until {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace Raftex.ApiServer.Tests;

/// <summary>The operator's generated ExchangeCluster CRD (crds/ in the repository) served by this server, through kubectl.</summary>
public sealed class ExchangeClusterCrdTests
{
    /// <summary>A file of the repository, found above the test output.</summary>
    internal static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, relative);
    }

    private const string Cluster = """
        apiVersion: raftex.io/v1alpha1
        kind: ExchangeCluster
        metadata:
          name: xc1
        spec:
          image: raftex/node:1
          symbols:
          - {name: BTC-USD, tickSize: "0.01", lotSize: "0.0001"}
          storage:
            size: 1Gi
        """;

    [Fact]
    public async Task The_generated_CRD_is_served_and_kubectl_applies_and_lists_clusters()
    {
        await using var s = await TestServer.StartAsync();
        using var kubectl = new Kubectl(s.Host);
        await kubectl.OkAsync("apply", "-f", RepoFile("crds/exchangeclusters.raftex.io.yaml"));
        await kubectl.OkAsync("apply", "-f", kubectl.Write("xc1.yaml", Cluster));

        var listed = JsonNode.Parse(await kubectl.OkAsync("get", "xc", "-o", "json"))!;
        var xc = listed["items"]![0]!;
        Assert.Equal("xc1", (string?)xc["metadata"]!["name"]);
        Assert.Equal("RaftAware", (string?)xc["spec"]!["updateStrategy"]!["type"]);

        var table = (await kubectl.OkAsync("get", "exchangeclusters")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "REPLICAS", "READY", "LEADER", "TERM", "PHASE", "AGE"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("xc1", table[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_is_immutable_and_symbols_are_a_map_keyed_by_name()
    {
        await using var s = await TestServer.StartAsync();
        using var kubectl = new Kubectl(s.Host);
        await kubectl.OkAsync("apply", "-f", RepoFile("crds/exchangeclusters.raftex.io.yaml"));
        await kubectl.OkAsync("apply", "-f", kubectl.Write("xc1.yaml", Cluster));
        const string path = "/apis/raftex.io/v1alpha1/namespaces/default/exchangeclusters/xc1";

        var (code, body) = await s.SendAsync(new HttpMethod("PATCH"), path, """{"spec":{"storage":{"size":"5Gi"}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("storage.size is immutable", (string?)body!["message"], StringComparison.Ordinal);

        (code, body) = await s.SendAsync(new HttpMethod("PATCH"), path, """{"spec":{"storage":{"storageClassName":"fast"}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("cannot be added or removed", (string?)body!["message"], StringComparison.Ordinal);

        (code, body) = await s.SendAsync(new HttpMethod("PATCH"), path,
            """{"spec":{"symbols":[{"name":"BTC-USD","tickSize":"0.01","lotSize":"1"},{"name":"BTC-USD","tickSize":"0.1","lotSize":"1"}]}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("Duplicate value", (string?)body!["message"], StringComparison.Ordinal);

        (code, _) = await s.SendAsync(new HttpMethod("PATCH"), path, """{"spec":{"image":"raftex/node:2"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, code);
    }
}

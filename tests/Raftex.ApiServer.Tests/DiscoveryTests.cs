using System.Net;
using System.Text.Json.Nodes;

namespace Raftex.ApiServer.Tests;

public sealed class DiscoveryTests
{
    private static JsonObject Resource(JsonNode list, string name) =>
        list["resources"]!.AsArray().Single(r => (string?)r!["name"] == name)!.AsObject();

    [Fact]
    public async Task Core_discovery_lists_pods_with_status_and_eviction_subresources()
    {
        await using var s = await TestServer.StartAsync();
        var (code, api) = await s.SendAsync(HttpMethod.Get, "/api");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("v1", (string?)api!["versions"]![0]);

        var (_, v1) = await s.SendAsync(HttpMethod.Get, "/api/v1");
        Assert.Equal("APIResourceList", (string?)v1!["kind"]);
        var pods = Resource(v1, "pods");
        Assert.True((bool)pods["namespaced"]!);
        Assert.Equal("Pod", (string?)pods["kind"]);
        Assert.Contains("watch", pods["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Contains("po", pods["shortNames"]!.AsArray().Select(v => (string?)v));
        var eviction = Resource(v1, "pods/eviction");
        Assert.Equal("Eviction", (string?)eviction["kind"]);
        Assert.Equal("policy", (string?)eviction["group"]);
        Assert.Equal("create", string.Join(",", eviction["verbs"]!.AsArray()));
        Assert.Equal("get,patch,update", string.Join(",", Resource(v1, "pods/status")["verbs"]!.AsArray()));
        Assert.False((bool)Resource(v1, "namespaces")["namespaced"]!);
    }

    [Fact]
    public async Task Group_discovery_lists_groups_and_their_resources()
    {
        await using var s = await TestServer.StartAsync();
        var (_, apis) = await s.SendAsync(HttpMethod.Get, "/apis");
        var groups = apis!["groups"]!.AsArray().Select(g => (string?)g!["name"]).ToList();
        Assert.Contains("apps", groups);
        Assert.Contains("policy", groups);
        Assert.Contains("coordination.k8s.io", groups);
        Assert.Contains("apiextensions.k8s.io", groups);

        var (_, apps) = await s.SendAsync(HttpMethod.Get, "/apis/apps/v1");
        Assert.Equal("apps/v1", (string?)apps!["groupVersion"]);
        var scale = Resource(apps, "statefulsets/scale");
        Assert.Equal("autoscaling", (string?)scale["group"]);
        Assert.Equal("Scale", (string?)scale["kind"]);

        var (_, version) = await s.SendAsync(HttpMethod.Get, "/version");
        Assert.Equal("v1.32.0", (string?)version!["gitVersion"]);

        var (missing, _) = await s.SendAsync(HttpMethod.Get, "/apis/nothing.io/v1/things");
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }
}

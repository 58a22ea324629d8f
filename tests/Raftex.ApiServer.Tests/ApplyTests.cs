using System.Net;
using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

public sealed class ApplyTests
{
    [Fact]
    public async Task Server_side_apply_creates_then_merges_into_the_object()
    {
        await using var s = await TestServer.StartAsync();
        var first = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "a" }, Data = new Dictionary<string, string> { ["x"] = "1" } };
        var created = await s.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(first, V1Patch.PatchType.ApplyPatch), "a", "default", fieldManager: "test");
        Assert.Equal("1", created.Data["x"]);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));

        var second = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "a" }, Data = new Dictionary<string, string> { ["y"] = "2" } };
        var merged = await s.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(second, V1Patch.PatchType.ApplyPatch), "a", "default", fieldManager: "test");
        Assert.Equal(created.Metadata.Uid, merged.Metadata.Uid);
        Assert.Equal("2", merged.Data["y"]);
    }

    [Fact]
    public async Task Server_side_apply_without_a_field_manager_is_invalid()
    {
        await using var s = await TestServer.StartAsync();
        var (code, body) = await s.SendAsync(new HttpMethod("PATCH"), "/api/v1/namespaces/default/configmaps/a", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}""", "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("fieldManager", (string?)body!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_list_sends_initial_state_then_an_initial_events_end_bookmark()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("b"), "default");
        var rv = s.Host.ResourceVersion;
        await using var w = await WatchStream.OpenAsync(s.Http, "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan");
        Assert.Equal("ADDED", (string?)(await w.NextAsync())!["type"]);
        Assert.Equal("ADDED", (string?)(await w.NextAsync())!["type"]);
        var end = (await w.NextAsync())!;
        Assert.Equal("BOOKMARK", (string?)end["type"]);
        Assert.Equal("true", (string?)end["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]);
        Assert.Equal(rv.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)end["object"]!["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task Rbac_and_network_policy_kinds_are_stored()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "r" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get"] }],
        }, "default");
        Assert.Equal("pods", (await s.Client.RbacAuthorizationV1.ReadNamespacedRoleAsync("r", "default")).Rules[0].Resources[0]);
        await s.Client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(new V1NetworkPolicy { Metadata = new V1ObjectMeta { Name = "n" }, Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector() } }, "default");
        Assert.Single((await s.Client.NetworkingV1.ListNamespacedNetworkPolicyAsync("default")).Items);
    }

    [Fact]
    public async Task Dry_run_evaluates_without_persisting()
    {
        await using var s = await TestServer.StartAsync();
        var dry = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default", dryRun: "All");
        Assert.Equal("a", dry.Metadata.Name);
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default"), HttpStatusCode.NotFound);

        var real = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        var rv = s.Host.ResourceVersion;
        var patched = await s.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"dry"}}""", V1Patch.PatchType.MergePatch), "a", "default", dryRun: "All");
        Assert.Equal("dry", patched.Data["k"]);
        await s.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", dryRun: "All");
        var after = await s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        Assert.Equal("v", after.Data["k"]);
        Assert.Equal(real.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal(rv, s.Host.ResourceVersion);

        using var kubectl = new Kubectl(s.Host);
        await kubectl.OkAsync("apply", "--dry-run=server", "-f", kubectl.Write("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: v\n"));
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedConfigMapAsync("b", "default"), HttpStatusCode.NotFound);
    }
}

using System.Net;
using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

public sealed class CrudTests
{
    [Fact]
    public async Task Create_assigns_uid_resourceVersion_timestamp_and_generation()
    {
        await using var s = await TestServer.StartAsync();
        var created = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > 0);
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal("default", created.Metadata.NamespaceProperty);

        var read = await s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("v", read.Data["k"]);
    }

    [Fact]
    public async Task Resource_versions_come_from_one_counter_across_kinds()
    {
        await using var s = await TestServer.StartAsync();
        var a = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        var p = await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p"), "default");
        var b = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("b"), "default");
        Assert.True(long.Parse(a.Metadata.ResourceVersion) < long.Parse(p.Metadata.ResourceVersion));
        Assert.True(long.Parse(p.Metadata.ResourceVersion) < long.Parse(b.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Get_of_a_missing_object_answers_404_with_a_Status_body()
    {
        await using var s = await TestServer.StartAsync();
        var (code, body) = await s.SendAsync(HttpMethod.Get, "/apis/apps/v1/namespaces/default/statefulsets/nope");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("Status", (string?)body!["kind"]);
        Assert.Equal("v1", (string?)body["apiVersion"]);
        Assert.Equal("Failure", (string?)body["status"]);
        Assert.Equal("NotFound", (string?)body["reason"]);
        Assert.Equal(404, (int)body["code"]!);
        Assert.Equal("statefulsets.apps \"nope\" not found", (string?)body["message"]);
        Assert.Equal("nope", (string?)body["details"]!["name"]);
        Assert.Equal("apps", (string?)body["details"]!["group"]);
        Assert.Equal("statefulsets", (string?)body["details"]!["kind"]);

        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("nope", "default"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Creating_an_existing_name_answers_409_AlreadyExists()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        var e = await TestServer.FailsAsync(() => s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default"), HttpStatusCode.Conflict);
        Assert.Contains("\"reason\":\"AlreadyExists\"", e.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateName_gets_a_random_suffix()
    {
        await using var s = await TestServer.StartAsync();
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } };
        var a = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default");
        var b = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default");
        Assert.StartsWith("gen-", a.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(9, a.Metadata.Name.Length);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_answers_409_Conflict()
    {
        await using var s = await TestServer.StartAsync();
        var v1 = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        v1.Data["k"] = "second";
        var v2 = await s.Client.CoreV1.ReplaceNamespacedConfigMapAsync(v1, "a", "default");
        Assert.NotEqual(v1.Metadata.ResourceVersion, v2.Metadata.ResourceVersion);

        v1.Data["k"] = "stale";
        var e = await TestServer.FailsAsync(() => s.Client.CoreV1.ReplaceNamespacedConfigMapAsync(v1, "a", "default"), HttpStatusCode.Conflict);
        Assert.Contains("the object has been modified", e.Response.Content, StringComparison.Ordinal);
        Assert.Equal("second", (await s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default")).Data["k"]);
    }

    [Fact]
    public async Task A_no_op_update_keeps_the_resourceVersion()
    {
        await using var s = await TestServer.StartAsync();
        var v1 = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        var same = await s.Client.CoreV1.ReplaceNamespacedConfigMapAsync(v1, "a", "default");
        Assert.Equal(v1.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Delete_with_a_wrong_uid_precondition_answers_409_and_keeps_the_object()
    {
        await using var s = await TestServer.StartAsync();
        var cm = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        var wrong = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "not-the-uid" } };
        var e = await TestServer.FailsAsync(() => s.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", wrong), HttpStatusCode.Conflict);
        Assert.Contains("Precondition failed: UID in precondition: not-the-uid", e.Response.Content, StringComparison.Ordinal);
        await s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");

        var staleRv = new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = "1" } };
        await TestServer.FailsAsync(() => s.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", staleRv), HttpStatusCode.Conflict);

        var right = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = cm.Metadata.Uid, ResourceVersion = cm.Metadata.ResourceVersion } };
        await s.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", right);
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Generation_is_bumped_by_spec_changes_only()
    {
        await using var s = await TestServer.StartAsync();
        var sts = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("x"), "default");
        Assert.Equal(1, sts.Metadata.Generation);

        sts.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "db" };
        sts = await s.Client.AppsV1.ReplaceNamespacedStatefulSetAsync(sts, "x", "default");
        Assert.Equal(1, sts.Metadata.Generation);

        sts.Spec.Replicas = 5;
        sts = await s.Client.AppsV1.ReplaceNamespacedStatefulSetAsync(sts, "x", "default");
        Assert.Equal(2, sts.Metadata.Generation);

        sts.Status = new V1StatefulSetStatus { Replicas = 5, ObservedGeneration = 2 };
        sts = await s.Client.AppsV1.ReplaceNamespacedStatefulSetStatusAsync(sts, "x", "default");
        Assert.Equal(2, sts.Metadata.Generation);
        Assert.Equal(5, sts.Status.Replicas);
    }

    [Fact]
    public async Task Status_subresource_isolates_status_from_spec()
    {
        await using var s = await TestServer.StartAsync();
        var sts = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("x"), "default");

        // Status through the main resource is ignored.
        sts.Status = new V1StatefulSetStatus { Replicas = 7 };
        sts = await s.Client.AppsV1.ReplaceNamespacedStatefulSetAsync(sts, "x", "default");
        Assert.NotEqual(7, sts.Status?.Replicas);

        // Spec through /status is ignored.
        sts.Spec.Replicas = 9;
        sts.Status = new V1StatefulSetStatus { Replicas = 2 };
        sts = await s.Client.AppsV1.ReplaceNamespacedStatefulSetStatusAsync(sts, "x", "default");
        Assert.Equal(3, sts.Spec.Replicas);
        Assert.Equal(2, sts.Status.Replicas);

        var patched = await s.Client.AppsV1.PatchNamespacedStatefulSetStatusAsync(
            new V1Patch("""{"status":{"readyReplicas":2},"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "x", "default");
        Assert.Equal(2, patched.Status.ReadyReplicas);
        Assert.Equal(3, patched.Spec.Replicas);
    }

    [Fact]
    public async Task Merge_patch_json_patch_and_strategic_merge_patch_apply()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a", new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" }), "default");
        var merged = await s.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"x":null,"z":"3"}}""", V1Patch.PatchType.MergePatch), "a", "default");
        Assert.Equal(new Dictionary<string, string> { ["y"] = "2", ["z"] = "3" }, merged.Data);

        var jsonPatched = await s.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"replace","path":"/data/y","value":"20"},{"op":"add","path":"/metadata/labels","value":{"l":"1"}}]""", V1Patch.PatchType.JsonPatch), "a", "default");
        Assert.Equal("20", jsonPatched.Data["y"]);
        Assert.Equal("1", jsonPatched.Metadata.Labels["l"]);

        var sts = Objects.StatefulSet("x");
        sts.Spec.Template.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "side:1" });
        await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, "default");
        var strategic = await s.Client.AppsV1.PatchNamespacedStatefulSetAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"node"},{"name":"sidecar"}],"containers":[{"name":"node","image":"raftex/node:2"}]}}}}""",
                V1Patch.PatchType.StrategicMergePatch), "x", "default");
        Assert.Equal(["raftex/node:2", "side:1"], strategic.Spec.Template.Spec.Containers.Select(c => c.Image).ToArray());
        Assert.Equal(2, strategic.Metadata.Generation);
    }

    [Fact]
    public async Task Patch_carrying_a_stale_resourceVersion_answers_409()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        await TestServer.FailsAsync(() => s.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"resourceVersion":"1"},"data":{"k":"w"}}""", V1Patch.PatchType.MergePatch), "a", "default"), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cluster_scoped_and_namespaced_urls_are_distinguished()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "team");
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        var all = await s.Client.CoreV1.ListConfigMapForAllNamespacesAsync();
        Assert.Equal(2, all.Items.Count);
        var ns = await s.Client.CoreV1.ReadNamespaceAsync("team");
        Assert.Equal("Active", ns.Status.Phase);
        var team = await s.Client.CoreV1.ListNamespacedConfigMapAsync("team");
        Assert.Single(team.Items);
    }

    [Fact]
    public async Task Namespace_mismatch_between_body_and_url_is_a_bad_request()
    {
        await using var s = await TestServer.StartAsync();
        var cm = Objects.ConfigMap("a");
        cm.Metadata.NamespaceProperty = "other";
        await TestServer.FailsAsync(() => s.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Missing_namespace_is_rejected_when_required()
    {
        await using var s = await TestServer.StartAsync(new ApiServerOptions { RequireNamespace = true });
        await TestServer.FailsAsync(() => s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "ghost"), HttpStatusCode.NotFound);
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
    }

    [Theory]
    [InlineData("Upper", null, null)]
    [InlineData("ok", "app", "has/slash")]
    [InlineData("ok", "app", "-leading-dash")]
    [InlineData("ok", "bad key!", "v")]
    [InlineData("ok", "app", "a-label-value-that-is-far-too-long-to-be-accepted-by-kubernetes-at-all")]
    public async Task Invalid_names_and_labels_answer_422(string name, string? labelKey, string? labelValue)
    {
        await using var s = await TestServer.StartAsync();
        var cm = Objects.ConfigMap(name, labels: labelKey is null ? null : new() { [labelKey] = labelValue! });
        var e = await TestServer.FailsAsync(() => s.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("\"reason\":\"Invalid\"", e.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labels_are_checked_on_update_too_and_valid_ones_pass()
    {
        await using var s = await TestServer.StartAsync();
        var cm = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(
            Objects.ConfigMap("a.b-c", labels: new() { ["app.kubernetes.io/name"] = "raftex", ["controller-revision-hash"] = "db-5d8f7c6b9" }), "default");
        await TestServer.FailsAsync(() => s.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"labels":{"image":"raftex/node:1"}}}""", V1Patch.PatchType.MergePatch), "a.b-c", "default"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("raftex", (await s.Client.CoreV1.ReadNamespacedConfigMapAsync("a.b-c", "default")).Metadata.Labels["app.kubernetes.io/name"]);
        Assert.Equal(cm.Metadata.ResourceVersion, (await s.Client.CoreV1.ReadNamespacedConfigMapAsync("a.b-c", "default")).Metadata.ResourceVersion);
    }
}

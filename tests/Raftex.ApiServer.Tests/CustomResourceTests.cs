using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

public sealed class CustomResourceTests
{
    [Fact]
    public async Task A_created_CRD_is_established_and_its_resource_appears_in_discovery()
    {
        await using var s = await TestServer.StartAsync();
        var (before, _) = await s.SendAsync(HttpMethod.Get, Crds.Path);
        Assert.Equal(HttpStatusCode.NotFound, before);
        await Crds.InstallAsync(s);

        var crd = await s.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("widgets.test.raftex.io");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");

        var (_, list) = await s.SendAsync(HttpMethod.Get, "/apis/test.raftex.io/v1alpha1");
        var widgets = list!["resources"]!.AsArray().Single(r => (string?)r!["name"] == "widgets")!;
        Assert.Equal("Widget", (string?)widgets["kind"]);
        Assert.Equal("wd", (string?)widgets["shortNames"]![0]);
        Assert.Equal("raftex", (string?)widgets["categories"]![0]);
        Assert.Contains(list["resources"]!.AsArray(), r => (string?)r!["name"] == "widgets/status");
        Assert.Contains(list["resources"]!.AsArray(), r => (string?)r!["name"] == "widgets/scale");
        var (_, apis) = await s.SendAsync(HttpMethod.Get, "/apis");
        Assert.Contains(apis!["groups"]!.AsArray(), g => (string?)g!["name"] == "test.raftex.io");
    }

    [Fact]
    public async Task A_CRD_whose_name_is_not_plural_dot_group_is_invalid()
    {
        await using var s = await TestServer.StartAsync();
        var (code, body) = await s.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            Crds.Widget.Replace("\"name\": \"widgets.test.raftex.io\"", "\"name\": \"gadgets.test.raftex.io\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", (string?)body!["reason"]);
    }

    [Fact]
    public async Task Schema_defaults_are_applied_on_create_including_nested_objects()
    {
        await using var s = await TestServer.StartAsync();
        await Crds.InstallAsync(s);
        var created = await s.Client.CustomObjects.CreateNamespacedCustomObjectAsync<JsonObject>(
            JsonNode.Parse(Crds.WidgetJson("w", """{"image":"node:1","raft":{},"unknown":"pruned"}"""))!, "test.raftex.io", "v1alpha1", "default", "widgets");
        var spec = created["spec"]!;
        Assert.Equal(3, (int)spec["replicas"]!);
        Assert.Equal("RaftAware", (string?)spec["mode"]);
        Assert.Equal("1Gi", (string?)spec["storage"]!["size"]);
        Assert.Equal(100, (int)spec["raft"]!["heartbeatMs"]!);
        Assert.Equal(1000, (int)spec["raft"]!["electionMs"]!);
        Assert.Null(spec["unknown"]);
        Assert.Equal(1, (int)created["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task Schema_violations_answer_422_Invalid_listing_every_cause()
    {
        await using var s = await TestServer.StartAsync();
        await Crds.InstallAsync(s);
        var (code, body) = await s.SendAsync(HttpMethod.Post, Crds.Path, Crds.WidgetJson("w", """{"replicas":10,"mode":"Sometimes","labels":{"a":1}}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", (string?)body!["reason"]);
        Assert.Equal(422, (int)body["code"]!);
        Assert.Equal("Widget", (string?)body["details"]!["kind"]);
        var causes = body["details"]!["causes"]!.AsArray().Select(c => $"{c!["reason"]}@{c["field"]}").ToList();
        Assert.Contains("FieldValueRequired@spec.image", causes);
        Assert.Contains("FieldValueInvalid@spec.replicas", causes);
        Assert.Contains("FieldValueNotSupported@spec.mode", causes);
        Assert.Contains("FieldValueTypeInvalid@spec.labels.a", causes);
        Assert.Contains("spec.replicas in body should be less than or equal to 9", (string?)body["message"], StringComparison.Ordinal);
        Assert.StartsWith("Widget.test.raftex.io \"w\" is invalid: [", (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_immutable_field_rule_rejects_changes_with_its_message()
    {
        await using var s = await TestServer.StartAsync();
        await Crds.InstallAsync(s);
        var (created, _) = await s.SendAsync(HttpMethod.Post, Crds.Path, Crds.WidgetJson("w", """{"image":"node:1","storage":{"size":"5Gi"}}"""));
        Assert.Equal(HttpStatusCode.Created, created);

        var (code, body) = await s.SendAsync(new HttpMethod("PATCH"), Crds.Path + "/w", """{"spec":{"storage":{"size":"9Gi"}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("storage is immutable", (string?)body!["message"], StringComparison.Ordinal);
        Assert.Equal("spec.storage", (string?)body["details"]!["causes"]![0]!["field"]);

        var (ok, updated) = await s.SendAsync(new HttpMethod("PATCH"), Crds.Path + "/w", """{"spec":{"image":"node:2"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(2, (int)updated!["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task Custom_status_subresource_is_isolated_and_scale_reads_and_writes_replicas()
    {
        await using var s = await TestServer.StartAsync();
        await Crds.InstallAsync(s);
        await s.SendAsync(HttpMethod.Post, Crds.Path, Crds.WidgetJson("w", """{"image":"node:1"}"""));

        var (_, viaMain) = await s.SendAsync(new HttpMethod("PATCH"), Crds.Path + "/w", """{"status":{"phase":"Hacked"}}""", "application/merge-patch+json");
        Assert.Null(viaMain!["status"]);

        var (code, viaStatus) = await s.SendAsync(new HttpMethod("PATCH"), Crds.Path + "/w/status",
            """{"status":{"phase":"Running","replicas":3,"selector":"app=w"},"spec":{"replicas":1}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Running", (string?)viaStatus!["status"]!["phase"]);
        Assert.Equal(3, (int)viaStatus["spec"]!["replicas"]!);
        Assert.Equal(1, (int)viaStatus["metadata"]!["generation"]!);

        var (_, scale) = await s.SendAsync(HttpMethod.Get, Crds.Path + "/w/scale");
        Assert.Equal("Scale", (string?)scale!["kind"]);
        Assert.Equal(3, (int)scale["spec"]!["replicas"]!);
        Assert.Equal("app=w", (string?)scale["status"]!["selector"]);

        var (_, rescaled) = await s.SendAsync(new HttpMethod("PATCH"), Crds.Path + "/w/scale", """{"spec":{"replicas":5}}""", "application/merge-patch+json");
        Assert.Equal(5, (int)rescaled!["spec"]!["replicas"]!);
        var w = await s.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>("test.raftex.io", "v1alpha1", "default", "widgets", "w");
        Assert.Equal(5, (int)w["spec"]!["replicas"]!);
        Assert.Equal(2, (int)w["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task Built_in_scale_subresource_works_through_KubernetesClient()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("x"), "default");
        var scale = await s.Client.AppsV1.ReadNamespacedStatefulSetScaleAsync("x", "default");
        Assert.Equal(3, scale.Spec.Replicas);
        Assert.Equal("app=x", scale.Status.Selector);
        scale.Spec.Replicas = 4;
        await s.Client.AppsV1.ReplaceNamespacedStatefulSetScaleAsync(scale, "x", "default");
        Assert.Equal(4, (await s.Client.AppsV1.ReadNamespacedStatefulSetAsync("x", "default")).Spec.Replicas);
    }

    [Fact]
    public async Task Deleting_the_CRD_stops_serving_and_removes_its_objects()
    {
        await using var s = await TestServer.StartAsync();
        await Crds.InstallAsync(s);
        await s.SendAsync(HttpMethod.Post, Crds.Path, Crds.WidgetJson("w", """{"image":"node:1"}"""));
        await s.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("widgets.test.raftex.io");
        var (code, _) = await s.SendAsync(HttpMethod.Get, Crds.Path + "/w");
        Assert.Equal(HttpStatusCode.NotFound, code);
        await Crds.InstallAsync(s);
        var (again, _) = await s.SendAsync(HttpMethod.Get, Crds.Path + "/w");
        Assert.Equal(HttpStatusCode.NotFound, again);
    }
}

using System.Text.Json.Nodes;
using k8s;

namespace Raftex.ApiServer.Tests;

public sealed class KubectlTests
{
    [Fact]
    public async Task Kubectl_gets_pods_as_json_and_by_short_name()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p1", new() { ["app"] = "x" }), "default");
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p2"), "default");
        using var kubectl = new Kubectl(s.Host);

        var json = JsonNode.Parse(await kubectl.OkAsync("get", "pods", "-o", "json"))!;
        Assert.Equal(["p1", "p2"], json["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).ToArray());

        var selected = JsonNode.Parse(await kubectl.OkAsync("get", "po", "-l", "app=x", "-o", "json"))!;
        Assert.Single(selected["items"]!.AsArray());

        var table = await kubectl.OkAsync("get", "pods");
        Assert.Contains("p1", table, StringComparison.Ordinal);

        await kubectl.OkAsync("delete", "pod", "p2");
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("p2", "default"), System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Kubectl_applies_a_CRD_then_a_custom_resource_and_reapplies_a_change()
    {
        await using var s = await TestServer.StartAsync();
        using var kubectl = new Kubectl(s.Host);
        await kubectl.OkAsync("apply", "-f", kubectl.Write("crd.json", Crds.Widget));
        var first = kubectl.Write("w.yaml", """
            apiVersion: test.raftex.io/v1alpha1
            kind: Widget
            metadata:
              name: w
            spec:
              image: node:1
            """);
        await kubectl.OkAsync("apply", "-f", first);
        var created = await s.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>("test.raftex.io", "v1alpha1", "default", "widgets", "w");
        Assert.Equal(3, (int)created["spec"]!["replicas"]!);

        var second = kubectl.Write("w2.yaml", """
            apiVersion: test.raftex.io/v1alpha1
            kind: Widget
            metadata:
              name: w
            spec:
              image: node:2
              replicas: 5
            """);
        await kubectl.OkAsync("apply", "-f", second);
        var updated = await s.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>("test.raftex.io", "v1alpha1", "default", "widgets", "w");
        Assert.Equal("node:2", (string?)updated["spec"]!["image"]);
        Assert.Equal(5, (int)updated["spec"]!["replicas"]!);
        Assert.Equal(2, (int)updated["metadata"]!["generation"]!);

        var listed = JsonNode.Parse(await kubectl.OkAsync("get", "wd", "-o", "json"))!;
        Assert.Equal("w", (string?)listed["items"]![0]!["metadata"]!["name"]);

        var invalid = kubectl.Write("bad.yaml", """
            apiVersion: test.raftex.io/v1alpha1
            kind: Widget
            metadata:
              name: bad
            spec:
              image: node:1
              replicas: 12
            """);
        var (code, _, err) = await kubectl.RunAsync("apply", "-f", invalid);
        Assert.NotEqual(0, code);
        Assert.Contains("spec.replicas", err, StringComparison.Ordinal);

        var typo = kubectl.Write("typo.yaml", """
            apiVersion: test.raftex.io/v1alpha1
            kind: Widget
            metadata:
              name: typo
            spec:
              image: node:1
              replicaz: 3
            """);
        (code, _, err) = await kubectl.RunAsync("apply", "-f", typo);
        Assert.NotEqual(0, code);
        Assert.Contains("unknown field \"spec.replicaz\"", err, StringComparison.Ordinal);

        await kubectl.OkAsync("delete", "widget", "w");
        var empty = JsonNode.Parse(await kubectl.OkAsync("get", "widgets", "-o", "json"))!;
        Assert.Empty(empty["items"]!.AsArray());
    }

    [Fact]
    public async Task Kubectl_applies_and_reapplies_a_built_in_statefulset()
    {
        await using var s = await TestServer.StartAsync();
        using var kubectl = new Kubectl(s.Host);
        string Manifest(string image) => $$"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              replicas: 3
              serviceName: db
              selector:
                matchLabels: {app: db}
              template:
                metadata:
                  labels: {app: db}
                spec:
                  containers:
                  - name: node
                    image: {{image}}
                    ports:
                    - containerPort: 5000
                  - name: sidecar
                    image: side:1
            """;
        await kubectl.OkAsync("apply", "-f", kubectl.Write("a.yaml", Manifest("node:1")));
        await kubectl.OkAsync("apply", "-f", kubectl.Write("b.yaml", Manifest("node:2")));
        var sts = await s.Client.AppsV1.ReadNamespacedStatefulSetAsync("db", "default");
        Assert.Equal(["node:2", "side:1"], sts.Spec.Template.Spec.Containers.Select(c => c.Image).ToArray());
        Assert.Equal(5000, sts.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort);
        Assert.Equal(2, sts.Metadata.Generation);
    }

    [Fact]
    public async Task Kubectl_get_prints_server_side_tables_with_printer_columns()
    {
        await using var s = await TestServer.StartAsync();
        await Crds.InstallAsync(s);
        await s.SendAsync(HttpMethod.Post, Crds.Path, Crds.WidgetJson("w", """{"image":"node:1","replicas":5}"""));
        await s.SendAsync(new HttpMethod("PATCH"), Crds.Path + "/w/status", """{"status":{"phase":"Running"}}""", "application/merge-patch+json");
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p1"), "default");
        using var kubectl = new Kubectl(s.Host);

        var widgets = (await kubectl.OkAsync("get", "widgets")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "REPLICAS", "PHASE", "AGE"], widgets[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["w", "5", "Running"], widgets[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3]);

        var pods = (await kubectl.OkAsync("get", "pods")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], pods[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["p1", "0/1", "Pending", "0"], pods[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);
    }
}

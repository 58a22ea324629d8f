using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

public sealed class KubectlMoreTests
{
    [Fact]
    public async Task Kubectl_scale_describe_get_all_and_foreground_delete_work()
    {
        await using var s = await TestServer.StartAsync();
        var sts = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("db"), "default");
        var pod = Objects.Pod("db-0", new() { ["app"] = "db" });
        pod.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "db", Uid = sts.Metadata.Uid, Controller = true }];
        await s.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        await s.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "db-0.1" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "db-0", NamespaceProperty = "default", Uid = (await s.Client.CoreV1.ReadNamespacedPodAsync("db-0", "default")).Metadata.Uid },
            Reason = "Evicting",
            Message = "leader moved away first",
            Type = "Normal",
        }, "default");
        using var kubectl = new Kubectl(s.Host);

        await kubectl.OkAsync("scale", "statefulset", "db", "--replicas=5");
        Assert.Equal(5, (await s.Client.AppsV1.ReadNamespacedStatefulSetAsync("db", "default")).Spec.Replicas);

        var described = await kubectl.OkAsync("describe", "pod", "db-0");
        Assert.Contains("leader moved away first", described, StringComparison.Ordinal);

        var all = await kubectl.OkAsync("get", "all");
        Assert.Contains("pod/db-0", all, StringComparison.Ordinal);
        Assert.Contains("statefulset.apps/db", all, StringComparison.Ordinal);

        await kubectl.OkAsync("delete", "statefulset", "db", "--cascade=foreground");
        var pods = JsonNode.Parse(await kubectl.OkAsync("get", "pods", "-o", "json"))!;
        Assert.Empty(pods["items"]!.AsArray());
    }

    [Fact]
    public async Task Kubectl_drain_evicts_through_the_disruption_budget()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "n1" } });
        var sts = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("db", replicas: 2), "default");
        for (var i = 0; i < 2; i++)
        {
            var pod = Objects.Pod($"db-{i}", new() { ["app"] = "db" });
            pod.Spec.NodeName = "n1";
            pod.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "db", Uid = sts.Metadata.Uid, Controller = true }];
            await s.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
            await s.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch("""{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch), $"db-{i}", "default");
        }

        await s.Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "db-quorum" },
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } } },
        }, "default");
        using var kubectl = new Kubectl(s.Host);

        var (code, output, err) = await kubectl.RunAsync("drain", "n1", "--grace-period=0", "--timeout=3s");
        Assert.NotEqual(0, code);
        Assert.Contains("disruption budget", output + err, StringComparison.Ordinal);
        Assert.True((await s.Client.CoreV1.ReadNodeAsync("n1")).Spec.Unschedulable);
        Assert.Single((await s.Client.CoreV1.ListNamespacedPodAsync("default")).Items);
    }

    [Fact]
    public async Task Kubectl_wait_sees_a_condition_arrive_through_a_watch()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p"), "default");
        using var kubectl = new Kubectl(s.Host);
        var waiting = kubectl.RunAsync("wait", "--for=condition=Ready", "pod/p", "--timeout=30s");
        await Poll.UntilAsync(() => s.Host.OpenWatchCount > 0 || waiting.IsCompleted, "kubectl watching the pod", TimeSpan.FromSeconds(30));
        Assert.False(waiting.IsCompleted);
        await s.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch("""{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch), "p", "default");
        var (code, output, err) = await waiting;
        Assert.True(code == 0, err);
        Assert.Contains("condition met", output, StringComparison.Ordinal);
    }
}

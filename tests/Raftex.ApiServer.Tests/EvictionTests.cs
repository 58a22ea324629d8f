using System.Net;
using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

public sealed class EvictionTests
{
    private static async Task<TestServer> ClusterAsync(int pods, int ready, IntOrString? minAvailable = null, IntOrString? maxUnavailable = null, bool owned = false)
    {
        var s = await TestServer.StartAsync();
        var owner = owned ? await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("x", replicas: pods), "default") : null;
        for (var i = 0; i < pods; i++)
        {
            var pod = Objects.Pod($"x-{i}", new() { ["app"] = "x" });
            if (owner is not null)
            {
                pod.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "x", Uid = owner.Metadata.Uid, Controller = true }];
            }

            await s.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
            await SetReadyAsync(s, $"x-{i}", i < ready);
        }

        await s.Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "x-quorum" },
            Spec = new V1PodDisruptionBudgetSpec
            {
                MinAvailable = minAvailable,
                MaxUnavailable = maxUnavailable,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } },
            },
        }, "default");
        return s;
    }

    private static async Task SetReadyAsync(TestServer s, string name, bool ready)
    {
        var pod = await s.Client.CoreV1.ReadNamespacedPodAsync(name, "default");
        pod.Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        };
        await s.Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, "default");
    }

    private static Task EvictAsync(TestServer s, string name, V1DeleteOptions? options = null) =>
        s.Client.CoreV1.CreateNamespacedPodEvictionAsync(
            new V1Eviction { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, DeleteOptions = options }, name, "default");

    [Fact]
    public async Task Eviction_that_would_break_the_budget_answers_429_naming_it()
    {
        await using var s = await ClusterAsync(pods: 3, ready: 2, minAvailable: 2);
        var e = await TestServer.FailsAsync(() => EvictAsync(s, "x-0"), HttpStatusCode.TooManyRequests);
        Assert.Contains("\"reason\":\"TooManyRequests\"", e.Response.Content, StringComparison.Ordinal);
        Assert.Contains("x-quorum", e.Response.Content, StringComparison.Ordinal);
        Assert.Contains("DisruptionBudget", e.Response.Content, StringComparison.Ordinal);
        await s.Client.CoreV1.ReadNamespacedPodAsync("x-0", "default");
    }

    [Fact]
    public async Task Eviction_within_the_budget_deletes_the_pod_and_updates_budget_status()
    {
        await using var s = await ClusterAsync(pods: 3, ready: 3, minAvailable: 2);
        var pdb = await s.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("x-quorum", "default");
        Assert.Equal(1, pdb.Status.DisruptionsAllowed);
        Assert.Equal(3, pdb.Status.CurrentHealthy);
        Assert.Equal(2, pdb.Status.DesiredHealthy);
        Assert.Equal(3, pdb.Status.ExpectedPods);

        await EvictAsync(s, "x-1");
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("x-1", "default"), HttpStatusCode.NotFound);
        pdb = await s.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("x-quorum", "default");
        Assert.Equal(0, pdb.Status.DisruptionsAllowed);
        Assert.Equal(2, pdb.Status.CurrentHealthy);

        await TestServer.FailsAsync(() => EvictAsync(s, "x-2"), HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task An_unready_pod_may_be_evicted_while_the_budget_is_met()
    {
        await using var s = await ClusterAsync(pods: 3, ready: 2, minAvailable: 2);
        await EvictAsync(s, "x-2");
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("x-2", "default"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MaxUnavailable_form_counts_against_the_controllers_scale()
    {
        await using var s = await ClusterAsync(pods: 3, ready: 3, maxUnavailable: 1, owned: true);
        Assert.Equal(3, (await s.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("x-quorum", "default")).Status.ExpectedPods);
        await EvictAsync(s, "x-0");
        await TestServer.FailsAsync(() => EvictAsync(s, "x-1"), HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Eviction_honours_uid_preconditions()
    {
        await using var s = await ClusterAsync(pods: 3, ready: 3, minAvailable: 1);
        await TestServer.FailsAsync(() => EvictAsync(s, "x-0", new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "stale" } }), HttpStatusCode.Conflict);
        var pod = await s.Client.CoreV1.ReadNamespacedPodAsync("x-0", "default");
        await EvictAsync(s, "x-0", new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } });
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("x-0", "default"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Pods_no_budget_selects_are_evicted_freely()
    {
        await using var s = await ClusterAsync(pods: 1, ready: 1, minAvailable: 1);
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("free", new() { ["app"] = "y" }), "default");
        await SetReadyAsync(s, "free", true);
        await EvictAsync(s, "free");
        await TestServer.FailsAsync(() => EvictAsync(s, "x-0"), HttpStatusCode.TooManyRequests);
        await TestServer.FailsAsync(() => EvictAsync(s, "ghost"), HttpStatusCode.NotFound);
    }
}

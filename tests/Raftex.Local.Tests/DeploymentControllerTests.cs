using k8s;
using k8s.Models;
using Raftex.ApiServer;

namespace Raftex.Local.Tests;

public sealed class DeploymentControllerTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private ApiServerHost _host = null!;
    private Kubernetes _client = null!;
    private Kubernetes _controllerClient = null!;
    private Task _controller = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _host = await ApiServerHost.StartAsync();
        _client = new Kubernetes(new KubernetesClientConfiguration { Host = _host.Url.ToString() });
        _controllerClient = new Kubernetes(new KubernetesClientConfiguration { Host = _host.Url.ToString() });
        var controller = new DeploymentController(_controllerClient, new DeploymentControllerOptions { ResyncInterval = TimeSpan.FromMilliseconds(500) });
        _controller = Task.Run(() => controller.RunAsync(_stop.Token));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _controller;
        _client.Dispose();
        _controllerClient.Dispose();
        await _host.DisposeAsync();
        _stop.Dispose();
    }

    private static V1Deployment Make(string name, int replicas, string image = "raftex/agent:1", string strategy = "RollingUpdate") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new V1DeploymentStrategy { Type = strategy },
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "agent", Image = image }] },
            },
        },
    };

    private async Task<List<V1Pod>> LivePodsAsync(string app) =>
        (await _client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"app={app}")).Items.Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    private async Task ReadyAllAsync(string app)
    {
        foreach (var pod in await LivePodsAsync(app))
        {
            if (!PodReadiness.IsReady(pod))
            {
                await PodReadiness.SetAsync(_client, "default", pod.Metadata.Name, ready: true);
            }
        }
    }

    [Fact]
    public async Task A_deployment_gets_a_hashed_replica_set_and_its_pods()
    {
        var d = await _client.AppsV1.CreateNamespacedDeploymentAsync(Make("agents", 3), "default");
        await Poll.UntilAsync(async () => (await LivePodsAsync("agents")).Count == 3, "three pods");
        var hash = RevisionHash.Of(d.Spec.Template);
        var rs = Assert.Single((await _client.AppsV1.ListNamespacedReplicaSetAsync("default")).Items);
        Assert.Equal($"agents-{hash}", rs.Metadata.Name);
        Assert.Equal("1", rs.Metadata.Annotations[DeploymentController.RevisionAnnotation]);
        Assert.Equal(d.Metadata.Uid, Assert.Single(rs.Metadata.OwnerReferences).Uid);
        foreach (var pod in await LivePodsAsync("agents"))
        {
            Assert.StartsWith($"agents-{hash}-", pod.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal(hash, pod.Metadata.Labels[DeploymentController.TemplateHashLabel]);
            Assert.Equal(rs.Metadata.Uid, Assert.Single(pod.Metadata.OwnerReferences).Uid);
        }

        await ReadyAllAsync("agents");
        await Poll.UntilAsync(async () => (await _client.AppsV1.ReadNamespacedDeploymentAsync("agents", "default")).Status is { ReadyReplicas: 3, UpdatedReplicas: 3 } s
            && s.Conditions.Any(c => c.Type == "Available" && c.Status == "True"), "deployment status ready");
    }

    [Fact]
    public async Task A_template_change_rolls_every_pod_onto_a_new_replica_set()
    {
        await _client.AppsV1.CreateNamespacedDeploymentAsync(Make("agents", 4), "default");
        await Poll.UntilAsync(async () => (await LivePodsAsync("agents")).Count == 4, "four pods");
        await ReadyAllAsync("agents");
        var patched = await _client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"agent","image":"raftex/agent:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "agents", "default");
        var hash = RevisionHash.Of(patched.Spec.Template);

        await Poll.UntilAsync(async () =>
        {
            await ReadyAllAsync("agents");
            var pods = await LivePodsAsync("agents");
            return pods.Count == 4 && pods.All(p => p.Metadata.Labels[DeploymentController.TemplateHashLabel] == hash && p.Spec.Containers[0].Image == "raftex/agent:2");
        }, "all pods on the new template");
        var sets = (await _client.AppsV1.ListNamespacedReplicaSetAsync("default")).Items;
        Assert.Equal(2, sets.Count);
        await Poll.UntilAsync(async () => (await _client.AppsV1.ListNamespacedReplicaSetAsync("default")).Items.Single(s => !s.Metadata.Name.EndsWith(hash, StringComparison.Ordinal)).Spec.Replicas == 0, "old set at zero");
        Assert.Equal("2", sets.Single(s => s.Metadata.Name.EndsWith(hash, StringComparison.Ordinal)).Metadata.Annotations[DeploymentController.RevisionAnnotation]);
    }

    [Fact]
    public async Task Recreate_removes_old_pods_before_creating_new_ones()
    {
        await _client.AppsV1.CreateNamespacedDeploymentAsync(Make("agents", 2, strategy: "Recreate"), "default");
        await Poll.UntilAsync(async () => (await LivePodsAsync("agents")).Count == 2, "two pods");
        var patched = await _client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"agent","image":"raftex/agent:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "agents", "default");
        var hash = RevisionHash.Of(patched.Spec.Template);
        await Poll.UntilAsync(async () =>
        {
            var pods = await LivePodsAsync("agents");
            var hashes = pods.Select(p => p.Metadata.Labels[DeploymentController.TemplateHashLabel]).Distinct().ToList();
            Assert.True(hashes.Count <= 1, "old and new pods never run side by side under Recreate");
            return pods.Count == 2 && hashes.SequenceEqual([hash]);
        }, "two new pods");
    }

    [Fact]
    public async Task Scaling_a_deployment_resizes_its_replica_set()
    {
        await _client.AppsV1.CreateNamespacedDeploymentAsync(Make("agents", 1), "default");
        await Poll.UntilAsync(async () => (await LivePodsAsync("agents")).Count == 1, "one pod");
        await _client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), "agents", "default");
        await Poll.UntilAsync(async () => (await LivePodsAsync("agents")).Count == 4, "four pods");
        await _client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "agents", "default");
        await Poll.UntilAsync(async () => (await LivePodsAsync("agents")).Count == 2, "two pods");
        Assert.Single((await _client.AppsV1.ListNamespacedReplicaSetAsync("default")).Items);
    }

    [Fact]
    public async Task Deleting_the_deployment_cascades_to_sets_and_pods()
    {
        await _client.AppsV1.CreateNamespacedDeploymentAsync(Make("agents", 2), "default");
        await Poll.UntilAsync(async () => (await LivePodsAsync("agents")).Count == 2, "two pods");
        await _client.AppsV1.DeleteNamespacedDeploymentAsync("agents", "default");
        await Poll.UntilAsync(async () => (await LivePodsAsync("agents")).Count == 0 && (await _client.AppsV1.ListNamespacedReplicaSetAsync("default")).Items.Count == 0, "all gone");
    }
}

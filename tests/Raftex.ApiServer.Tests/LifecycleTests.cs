using System.Net;
using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

public sealed class LifecycleTests
{
    private static V1OwnerReference OwnedBy(V1StatefulSet owner) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    [Fact]
    public async Task Finalizers_hold_a_deleted_object_until_they_are_removed()
    {
        await using var s = await TestServer.StartAsync();
        var cm = Objects.ConfigMap("a");
        cm.Metadata.Finalizers = ["raftex.io/cleanup"];
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default");

        await s.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default");
        var terminating = await s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);

        terminating.Metadata.Finalizers.Add("raftex.io/another");
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReplaceNamespacedConfigMapAsync(terminating, "a", "default"), HttpStatusCode.UnprocessableEntity);

        terminating.Metadata.Finalizers = [];
        await s.Client.CoreV1.ReplaceNamespacedConfigMapAsync(terminating, "a", "default");
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Background_deletion_cascades_to_dependents_through_owner_references()
    {
        await using var s = await TestServer.StartAsync();
        var sts = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("x"), "default");
        var pod = Objects.Pod("x-0");
        pod.Metadata.OwnerReferences = [OwnedBy(sts)];
        await s.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        var unrelated = await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("other"), "default");

        await s.Client.AppsV1.DeleteNamespacedStatefulSetAsync("x", "default");
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("x-0", "default"), HttpStatusCode.NotFound);
        Assert.Equal(unrelated.Metadata.Uid, (await s.Client.CoreV1.ReadNamespacedPodAsync("other", "default")).Metadata.Uid);
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_strips_their_owner_reference()
    {
        await using var s = await TestServer.StartAsync();
        var sts = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("x"), "default");
        var pod = Objects.Pod("x-0");
        pod.Metadata.OwnerReferences = [OwnedBy(sts)];
        await s.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");

        await s.Client.AppsV1.DeleteNamespacedStatefulSetAsync("x", "default", new V1DeleteOptions { PropagationPolicy = "Orphan" });
        var orphan = await s.Client.CoreV1.ReadNamespacedPodAsync("x-0", "default");
        Assert.Null(orphan.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Foreground_deletion_removes_the_owner_after_its_dependents()
    {
        await using var s = await TestServer.StartAsync();
        var sts = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("x"), "default");
        var pod = Objects.Pod("x-0");
        pod.Metadata.OwnerReferences = [OwnedBy(sts)];
        pod.Metadata.Finalizers = ["test/hold"];
        await s.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");

        await s.Client.AppsV1.DeleteNamespacedStatefulSetAsync("x", "default", new V1DeleteOptions { PropagationPolicy = "Foreground" });
        var owner = await s.Client.AppsV1.ReadNamespacedStatefulSetAsync("x", "default");
        Assert.NotNull(owner.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", owner.Metadata.Finalizers);
        var held = await s.Client.CoreV1.ReadNamespacedPodAsync("x-0", "default");
        Assert.NotNull(held.Metadata.DeletionTimestamp);

        await s.Client.CoreV1.PatchNamespacedPodAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "x-0", "default");
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("x-0", "default"), HttpStatusCode.NotFound);
        await TestServer.FailsAsync(() => s.Client.AppsV1.ReadNamespacedStatefulSetAsync("x", "default"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_its_contents()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "tmp" } });
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "tmp");
        await s.Client.CoreV1.DeleteNamespaceAsync("tmp");
        Assert.Empty((await s.Client.CoreV1.ListNamespacedConfigMapAsync("tmp")).Items);
    }

    [Fact]
    public async Task Pods_bound_to_a_node_terminate_gracefully_until_deleted_with_grace_zero()
    {
        await using var s = await TestServer.StartAsync();
        var pod = Objects.Pod("p");
        pod.Spec.NodeName = "local";
        await s.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        await s.Client.CoreV1.DeleteNamespacedPodAsync("p", "default");
        var terminating = await s.Client.CoreV1.ReadNamespacedPodAsync("p", "default");
        Assert.Equal(30, terminating.Metadata.DeletionGracePeriodSeconds);
        await s.Client.CoreV1.DeleteNamespacedPodAsync("p", "default", gracePeriodSeconds: 0);
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("p", "default"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_dependent_created_after_its_owner_is_gone_is_garbage_collected()
    {
        await using var s = await TestServer.StartAsync();
        var sts = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("x"), "default");
        await s.Client.AppsV1.DeleteNamespacedStatefulSetAsync("x", "default");

        var late = Objects.Pod("x-0");
        late.Metadata.OwnerReferences = [OwnedBy(sts)];
        await s.Client.CoreV1.CreateNamespacedPodAsync(late, "default");
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedPodAsync("x-0", "default"), HttpStatusCode.NotFound);

        var live = await s.Client.AppsV1.CreateNamespacedStatefulSetAsync(Objects.StatefulSet("y"), "default");
        var owned = Objects.Pod("y-0");
        owned.Metadata.OwnerReferences = [OwnedBy(live)];
        await s.Client.CoreV1.CreateNamespacedPodAsync(owned, "default");
        await s.Client.CoreV1.ReadNamespacedPodAsync("y-0", "default");
    }

    [Fact]
    public async Task Binding_assigns_a_node_once()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p"), "default");
        var binding = new V1Binding { Metadata = new V1ObjectMeta { Name = "p" }, Target = new V1ObjectReference { Kind = "Node", Name = "n1" } };
        await s.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default");
        Assert.Equal("n1", (await s.Client.CoreV1.ReadNamespacedPodAsync("p", "default")).Spec.NodeName);
        binding.Target.Name = "n2";
        await TestServer.FailsAsync(() => s.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default"), HttpStatusCode.Conflict);
    }
}

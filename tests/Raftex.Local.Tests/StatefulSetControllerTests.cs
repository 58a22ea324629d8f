using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Local.Tests;

public sealed class StatefulSetControllerTests
{
    [Fact]
    public async Task Creates_pods_by_ordinal_with_identity_labels_owner_and_revision()
    {
        await using var c = await LocalCluster.StartAsync();
        var set = await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 3), "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 3, "three pods");

        var pods = await c.PodsAsync("db");
        Assert.Equal(["db-0", "db-1", "db-2"], pods.Select(p => p.Metadata.Name).ToArray());
        var revision = $"db-{RevisionHash.Of(set.Spec.Template)}";
        foreach (var pod in pods)
        {
            Assert.Equal(pod.Metadata.Name, pod.Metadata.Labels[StatefulSetController.PodNameLabel]);
            Assert.Equal(revision, pod.Metadata.Labels[StatefulSetController.RevisionLabel]);
            Assert.Equal(pod.Metadata.Name, pod.Spec.Hostname);
            Assert.Equal("db-peers", pod.Spec.Subdomain);
            var owner = Assert.Single(pod.Metadata.OwnerReferences);
            Assert.Equal(set.Metadata.Uid, owner.Uid);
            Assert.True(owner.Controller);
            Assert.Equal("Pending", pod.Status.Phase);
        }

        var revisions = await c.Client.AppsV1.ListNamespacedControllerRevisionAsync("default");
        Assert.Equal(revision, Assert.Single(revisions.Items).Metadata.Name);
    }

    [Fact]
    public async Task Status_counts_follow_pod_readiness()
    {
        await using var c = await LocalCluster.StartAsync();
        var set = await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 3), "default");
        await Poll.UntilAsync(async () => (await c.SetAsync("db")).Status?.Replicas == 3, "status.replicas 3");
        var status = (await c.SetAsync("db")).Status;
        Assert.Equal(0, status.ReadyReplicas ?? 0);
        Assert.Equal(3, status.CurrentReplicas);
        Assert.Equal(3, status.UpdatedReplicas);
        Assert.Equal(status.UpdateRevision, status.CurrentRevision);
        Assert.Equal(set.Metadata.Generation, status.ObservedGeneration);

        await PodReadiness.SetAsync(c.Client, "default", "db-0", ready: true);
        await PodReadiness.SetAsync(c.Client, "default", "db-2", ready: true);
        await Poll.UntilAsync(async () => (await c.SetAsync("db")).Status?.ReadyReplicas == 2, "two ready");
        await PodReadiness.SetAsync(c.Client, "default", "db-2", ready: false);
        await Poll.UntilAsync(async () => (await c.SetAsync("db")).Status?.ReadyReplicas == 1, "one ready");
    }

    [Fact]
    public async Task OnDelete_leaves_pods_alone_on_template_change_and_recreates_a_deleted_pod_at_the_update_revision()
    {
        await using var c = await LocalCluster.StartAsync();
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 3), "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 3, "three pods");
        await c.ReadyAllAsync("db");
        var before = (await c.PodsAsync("db")).ToDictionary(p => p.Metadata.Name, p => p.Metadata.Uid);
        var oldRevision = (await c.SetAsync("db")).Status?.UpdateRevision;

        // A patch, not a read-modify-replace: the controller writes status concurrently.
        var set = await c.Client.AppsV1.PatchNamespacedStatefulSetAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"node","image":"raftex/node:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "db", "default");
        var newRevision = $"db-{RevisionHash.Of(set.Spec.Template)}";
        await Poll.UntilAsync(async () => (await c.SetAsync("db")).Status?.UpdateRevision == newRevision, "update revision advanced");
        var status = (await c.SetAsync("db")).Status;
        Assert.Equal(oldRevision, status.CurrentRevision);
        Assert.Equal(0, status.UpdatedReplicas ?? 0);
        Assert.Equal(3, status.CurrentReplicas);

        // No pod was restarted by the controller.
        var after = (await c.PodsAsync("db")).ToDictionary(p => p.Metadata.Name, p => p.Metadata.Uid);
        Assert.Equal(before, after);

        var victim = (await c.PodsAsync("db")).Single(p => p.Metadata.Name == "db-1");
        await c.Client.CoreV1.DeleteNamespacedPodAsync("db-1", "default");
        await Poll.UntilAsync(async () => (await c.PodsAsync("db")).Any(p => p.Metadata.Name == "db-1" && p.Metadata.Uid != victim.Metadata.Uid), "db-1 recreated");
        var recreated = (await c.PodsAsync("db")).Single(p => p.Metadata.Name == "db-1");
        Assert.Equal(newRevision, recreated.Metadata.Labels[StatefulSetController.RevisionLabel]);
        Assert.Equal("raftex/node:2", recreated.Spec.Containers[0].Image);
        await Poll.UntilAsync(async () => (await c.SetAsync("db")).Status?.UpdatedReplicas == 1, "one updated");

        var others = (await c.PodsAsync("db")).Where(p => p.Metadata.Name != "db-1").ToList();
        Assert.All(others, p => Assert.Equal(before[p.Metadata.Name], p.Metadata.Uid));
        Assert.Equal(2, (await c.Client.AppsV1.ListNamespacedControllerRevisionAsync("default")).Items.Count);
    }

    [Fact]
    public async Task Scaling_adds_and_removes_the_highest_ordinals()
    {
        await using var c = await LocalCluster.StartAsync();
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 3), "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 3, "three pods");
        var kept = (await c.PodsAsync("db")).Where(p => p.Metadata.Name is "db-0" or "db-1").ToDictionary(p => p.Metadata.Name, p => p.Metadata.Uid);

        await c.Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "db", "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).SequenceEqual(["db-0", "db-1", "db-2", "db-3", "db-4"]), "five pods");

        await c.Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "db", "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).SequenceEqual(["db-0", "db-1"]), "two pods");
        var remaining = (await c.PodsAsync("db")).ToDictionary(p => p.Metadata.Name, p => p.Metadata.Uid);
        Assert.Equal(kept, remaining);
        await Poll.UntilAsync(async () => (await c.SetAsync("db")).Status?.Replicas == 2, "status.replicas 2");
    }

    [Fact]
    public async Task OrderedReady_creates_the_next_pod_only_after_the_previous_is_ready()
    {
        await using var c = await LocalCluster.StartAsync(run: false);
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 3, parallel: false), "default");
        for (var pass = 0; pass < 3; pass++)
        {
            await c.Controller.ReconcileAllAsync();
        }

        Assert.Equal(["db-0"], await c.PodNamesAsync("db"));

        await PodReadiness.SetAsync(c.Client, "default", "db-0", ready: true);
        await c.Controller.ReconcileAllAsync();
        await c.Controller.ReconcileAllAsync();
        Assert.Equal(["db-0", "db-1"], await c.PodNamesAsync("db"));

        await PodReadiness.SetAsync(c.Client, "default", "db-1", ready: true);
        await c.Controller.ReconcileAllAsync();
        Assert.Equal(["db-0", "db-1", "db-2"], await c.PodNamesAsync("db"));
    }

    [Fact]
    public async Task Parallel_creates_all_pods_at_once()
    {
        await using var c = await LocalCluster.StartAsync();
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 4, parallel: true), "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 4, "four pods without any ready");
        Assert.All(await c.PodsAsync("db"), p => Assert.False(PodReadiness.IsReady(p)));
    }

    [Fact]
    public async Task RollingUpdate_replaces_outdated_pods_highest_first_once_all_are_ready()
    {
        await using var c = await LocalCluster.StartAsync();
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 2, strategy: "RollingUpdate"), "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 2, "two pods");
        await c.ReadyAllAsync("db");
        await c.Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"node","image":"raftex/node:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "db", "default");

        await Poll.UntilAsync(async () =>
        {
            await c.ReadyAllAsync("db");
            var pods = await c.PodsAsync("db");
            return pods.Count == 2 && pods.All(p => p.Spec.Containers[0].Image == "raftex/node:2");
        }, "both pods rolled");
        await Poll.UntilAsync(async () =>
        {
            // The last replaced pod may have been created after the previous readiness pass.
            await c.ReadyAllAsync("db");
            return (await c.SetAsync("db")).Status is { } s && s.CurrentRevision == s.UpdateRevision && s.UpdatedReplicas == 2 && s.ReadyReplicas == 2;
        }, "rollout complete");
    }

    [Fact]
    public async Task Claims_are_created_per_ordinal_and_deleted_on_scale_down_when_the_policy_says_so()
    {
        await using var c = await LocalCluster.StartAsync();
        var set = Sets.Make("db", 2);
        set.Spec.VolumeClaimTemplates =
        [
            new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta { Name = "data" },
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteOnce"],
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity("1Gi") } },
                },
            },
        ];
        set.Spec.PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenScaled = "Delete", WhenDeleted = "Retain" };
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(set, "default");
        await Poll.UntilAsync(async () => (await c.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync("default")).Items.Count == 2, "two claims");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 2, "two pods");
        var pod = (await c.PodsAsync("db")).Single(p => p.Metadata.Name == "db-1");
        Assert.Contains(pod.Spec.Volumes, v => v.PersistentVolumeClaim?.ClaimName == "data-db-1");

        await c.Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "db", "default");
        await Poll.UntilAsync(async () => (await c.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync("default")).Items.Select(i => i.Metadata.Name).SequenceEqual(["data-db-0"]), "claim of db-1 deleted");
    }

    [Fact]
    public async Task Deleting_the_set_deletes_its_pods_through_owner_references()
    {
        await using var c = await LocalCluster.StartAsync();
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 2), "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 2, "two pods");
        await c.Client.AppsV1.DeleteNamespacedStatefulSetAsync("db", "default");
        await Poll.UntilAsync(async () => (await c.PodsAsync("db")).Count == 0, "pods gone");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => c.SetAsync("db"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
    }

    [Fact]
    public async Task Keeps_converging_after_dropped_watches_and_a_server_restart()
    {
        await using var c = await LocalCluster.StartAsync();
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 1), "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 1, "one pod");

        c.Host.DropWatches();
        await c.Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "db", "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 2, "two pods after dropped watches");

        await c.Host.RestartAsync(keepData: true);
        await c.Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "db", "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 3, "three pods after restart");
    }

    [Fact]
    public async Task A_failed_pod_is_replaced()
    {
        await using var c = await LocalCluster.StartAsync();
        await c.Client.AppsV1.CreateNamespacedStatefulSetAsync(Sets.Make("db", 2), "default");
        await Poll.UntilAsync(async () => (await c.PodNamesAsync("db")).Count == 2, "two pods");
        var failed = await c.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch("""{"status":{"phase":"Failed"}}""", V1Patch.PatchType.MergePatch), "db-0", "default");
        await Poll.UntilAsync(async () => (await c.PodsAsync("db")).Any(p => p.Metadata.Name == "db-0" && p.Metadata.Uid != failed.Metadata.Uid && p.Status.Phase == "Pending"), "db-0 replaced");
    }
}

using k8s;
using k8s.Models;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Tests.EndToEnd;

public sealed class ReconcilerTests
{
    private static int Index(List<string> calls, string call)
    {
        var i = calls.IndexOf(call);
        Assert.True(i >= 0, $"{call} not in {string.Join(", ", calls)}");
        return i;
    }

    [Fact]
    public async Task A_new_cluster_bootstraps_once_and_becomes_available()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        var cluster = await h.RunUntilAsync(OperatorHarness.Converged);

        var clusterId = cluster.Status!.ClusterId;
        Assert.Matches("^[0-9a-f]{32}$", clusterId);
        Assert.Equal(3, cluster.Status.InitialMembers);
        var map = await h.Kube.CoreV1.ReadNamespacedConfigMapAsync("xc1-config", OperatorHarness.Ns);
        Assert.Equal(clusterId, ConfigMapBuilder.ClusterIdOf(map));
        Assert.Equal("xc1-0", cluster.Status.Leader!.Pod);
        Assert.Equal(3, cluster.Status.Members!.Count);
        Assert.Equal(cluster.Metadata.Generation, cluster.Status.ObservedGeneration);
        Assert.False(ClusterConditions.IsTrue(cluster.Status.Conditions, ClusterConditions.QuorumAtRisk));

        var sts = await h.Kube.AppsV1.ReadNamespacedStatefulSetAsync("xc1", OperatorHarness.Ns);
        Assert.Equal(cluster.Metadata.Uid, Assert.Single(sts.Metadata.OwnerReferences).Uid);
        await h.Kube.CoreV1.ReadNamespacedServiceAsync("xc1-peers", OperatorHarness.Ns);
        await h.Kube.CoreV1.ReadNamespacedServiceAsync("xc1", OperatorHarness.Ns);
        var pdb = await h.Kube.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("xc1", OperatorHarness.Ns);
        Assert.Equal(2, pdb.Spec.MinAvailable.ToInt());

        for (var i = 0; i < 3; i++) { await h.RoundAsync(); }
        Assert.Equal(clusterId, (await h.GetAsync()).Status!.ClusterId);
        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("AddLearner", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleted_or_edited_children_come_back()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);

        await h.Kube.CoreV1.DeleteNamespacedServiceAsync("xc1", OperatorHarness.Ns);
        var map = await h.Kube.CoreV1.ReadNamespacedConfigMapAsync("xc1-config", OperatorHarness.Ns);
        map.Data["symbols.json"] = "[]";
        await h.Kube.CoreV1.ReplaceNamespacedConfigMapAsync(map, "xc1-config", OperatorHarness.Ns);
        var pdb = await h.Kube.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("xc1", OperatorHarness.Ns);
        pdb.Spec.MinAvailable = 1;
        await h.Kube.PolicyV1.ReplaceNamespacedPodDisruptionBudgetAsync(pdb, "xc1", OperatorHarness.Ns);

        await h.RoundAsync();
        await h.Kube.CoreV1.ReadNamespacedServiceAsync("xc1", OperatorHarness.Ns);
        map = await h.Kube.CoreV1.ReadNamespacedConfigMapAsync("xc1-config", OperatorHarness.Ns);
        Assert.Contains("BTC-USD", map.Data["symbols.json"], StringComparison.Ordinal);
        Assert.Equal(2, (await h.Kube.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("xc1", OperatorHarness.Ns)).Spec.MinAvailable.ToInt());
    }

    [Fact]
    public async Task An_image_change_rolls_followers_first_and_the_leader_last_after_a_transfer()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        var before = await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();

        await h.UpdateSpecAsync(c => c.Spec.Image = "raftex/node:1.1");
        var after = await h.RunUntilAsync(c => OperatorHarness.Converged(c) && c.Status!.UpdateRevision != before.Status!.UpdateRevision);

        var calls = h.Raft.Calls.Where(c => c.StartsWith("PodCreated", StringComparison.Ordinal) || c.StartsWith("Transfer", StringComparison.Ordinal)).ToList();
        Assert.Equal(["PodCreated(2)", "PodCreated(1)", "TransferLeadership(1→2)", "PodCreated(0)"], calls);
        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("Elected", StringComparison.Ordinal));
        var pods = await h.Kube.CoreV1.ListNamespacedPodAsync(OperatorHarness.Ns);
        Assert.All(pods.Items, p => Assert.Equal(after.Status!.UpdateRevision, p.Metadata.Labels[ChildLabels.Revision]));
        Assert.All(pods.Items, p => Assert.Equal("raftex/node:1.1", p.Spec.Containers[0].Image));
        Assert.Equal("xc1-1", after.Status!.Leader!.Pod);
    }

    [Fact]
    public async Task The_restart_annotation_rolls_every_pod()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();

        await h.UpdateSpecAsync(c => c.Metadata.Annotations = new Dictionary<string, string> { [ChildLabels.RestartedAt] = "2026-11-25T21:30:00Z" });
        await h.RunUntilAsync(c => OperatorHarness.Converged(c) && h.Raft.Calls.Count(x => x.StartsWith("PodCreated", StringComparison.Ordinal)) == 3);
        Assert.Single(h.Raft.Calls, c => c.StartsWith("TransferLeadership", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_reporting_a_full_disk_sets_the_DiskFull_condition_naming_its_pod_until_space_returns()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        Assert.False(ClusterConditions.IsTrue((await h.GetAsync()).Status!.Conditions, ClusterConditions.DiskFull));

        h.Raft.Node(3).DiskFull = "disk full since 2026-11-25T23:00:00Z (No space left on device)";
        var full = await h.RunUntilAsync(c => ClusterConditions.IsTrue(c.Status?.Conditions, ClusterConditions.DiskFull));
        var condition = full.Status!.Conditions!.Single(c => c.Type == ClusterConditions.DiskFull);
        Assert.Equal("NodeDiskFull", condition.Reason);
        Assert.Contains("xc1-2: disk full since 2026-11-25T23:00:00Z (No space left on device)", condition.Message, StringComparison.Ordinal);

        h.Raft.Node(3).DiskFull = null;
        var recovered = await h.RunUntilAsync(c => !ClusterConditions.IsTrue(c.Status?.Conditions, ClusterConditions.DiskFull));
        Assert.Equal("AsExpected", recovered.Status!.Conditions!.Single(c => c.Type == ClusterConditions.DiskFull).Reason);
    }

    [Fact]
    public async Task A_lagging_voter_holds_the_roll_and_says_why()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();
        h.Pods.Stuck.Add(2);
        h.Raft.Commit(500, lagging: 2);

        await h.UpdateSpecAsync(c => c.Spec.Image = "raftex/node:1.1");
        for (var i = 0; i < 4; i++) { await h.RoundAsync(); }
        var cluster = await h.GetAsync();
        // xc1-1 (node 2) is lagging; it is itself outdated and unready, so it is the one pod that may go first.
        var created = h.Raft.Calls.Where(c => c.StartsWith("PodCreated", StringComparison.Ordinal)).ToList();
        Assert.True(created.Count <= 1, string.Join(", ", created));
        Assert.All(created, c => Assert.Equal("PodCreated(1)", c));
        var progressing = cluster.Status!.Conditions!.Single(c => c.Type == ClusterConditions.Progressing);
        Assert.Equal("True", progressing.Status);
        Assert.Contains("xc1-1", progressing.Message, StringComparison.Ordinal);
        Assert.True(ClusterConditions.IsTrue(cluster.Status.Conditions, ClusterConditions.QuorumAtRisk));

        h.Pods.Stuck.Clear();
        await h.RunUntilAsync(c => OperatorHarness.Converged(c) && c.Status!.Members!.All(m => m.Revision == c.Status.UpdateRevision));
    }

    [Fact]
    public async Task Scaling_3_to_5_to_3_adds_learners_promotes_and_removes_in_order()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();

        await h.UpdateSpecAsync(c => c.Spec.Replicas = 5);
        var up = await h.RunUntilAsync(c => OperatorHarness.Converged(c) && c.Status!.Members!.Count(m => m.Role == MemberRole.Voter) == 5);
        var membership = h.Raft.Calls.Where(c => !c.StartsWith("Elected", StringComparison.Ordinal)).ToList();
        Assert.Equal(["PodCreated(3)", "AddLearner(4)", "PromoteLearner(4)", "PodCreated(4)", "AddLearner(5)", "PromoteLearner(5)"], membership);
        Assert.Equal(3, (await h.Kube.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("xc1", OperatorHarness.Ns)).Spec.MinAvailable.ToInt());
        Assert.Equal(3, up.Status!.InitialMembers);

        h.Raft.Calls.Clear();
        await h.UpdateSpecAsync(c => c.Spec.Replicas = 3);
        var down = await h.RunUntilAsync(c => OperatorHarness.Converged(c) && c.Status!.Members!.Count == 3 && c.Status.Replicas == 3);
        // Each removed pod went down through the Eviction API (no surplus pod left for the StatefulSet to delete).
        Assert.Equal(["RemoveMember(5)", "RemoveMember(4)"], h.Raft.Calls);
        var evicted = (await h.Kube.CoreV1.ListNamespacedEventAsync(OperatorHarness.Ns)).Items
            .Where(e => e.Reason == "PodEvicted").Select(e => e.Message).ToList();
        Assert.Contains(evicted, m => m.StartsWith("evicted xc1-4 ", StringComparison.Ordinal) && m.EndsWith("to scale down", StringComparison.Ordinal));
        Assert.Contains(evicted, m => m.StartsWith("evicted xc1-3 ", StringComparison.Ordinal) && m.EndsWith("to scale down", StringComparison.Ordinal));
        Assert.Equal(2, (await h.Kube.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("xc1", OperatorHarness.Ns)).Spec.MinAvailable.ToInt());
        Assert.Equal([1L, 2L, 3L], down.Status!.Members!.Select(m => m.NodeId!.Value));
    }

    [Fact]
    public async Task A_scale_down_eviction_refused_by_the_budget_is_retried_not_forced()
    {
        await using var h = await OperatorHarness.StartAsync(voters: 2);
        await h.CreateAsync(replicas: 2);
        await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();

        // 2→1: the first eviction meets the two-voter budget (minAvailable 2) and is refused with 429.
        await h.UpdateSpecAsync(c => c.Spec.Replicas = 1);
        await h.RunUntilAsync(_ => h.Raft.Calls.Contains("RemoveMember(2)"));
        await h.RoundAsync();
        var events = (await h.Kube.CoreV1.ListNamespacedEventAsync(OperatorHarness.Ns)).Items;
        Assert.Contains(events, e => e.Reason == "EvictionBlocked" && e.Message.Contains("xc1-1", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Reason == "PodEvicted");
        Assert.Equal(2, (await h.Kube.AppsV1.ReadNamespacedStatefulSetAsync("xc1", OperatorHarness.Ns)).Spec.Replicas);
        Assert.NotNull(await h.Kube.CoreV1.ReadNamespacedPodAsync("xc1-1", OperatorHarness.Ns));

        // The budget follows the removed member out; the retried eviction goes through and only then replicas drop.
        var done = await h.RunUntilAsync(c => OperatorHarness.Converged(c) && c.Status!.Replicas == 1);
        events = (await h.Kube.CoreV1.ListNamespacedEventAsync(OperatorHarness.Ns)).Items;
        Assert.Contains(events, e => e.Reason == "PodEvicted" && e.Message.StartsWith("evicted xc1-1 ", StringComparison.Ordinal));
        Assert.Equal(1, (await h.Kube.AppsV1.ReadNamespacedStatefulSetAsync("xc1", OperatorHarness.Ns)).Spec.Replicas);
        Assert.Equal([1L], done.Status!.Members!.Select(m => m.NodeId!.Value));
    }

    [Fact]
    public async Task A_member_that_lost_its_data_is_replaced_with_an_event()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();

        var fresh = h.Raft.Wipe(3);
        await h.RunUntilAsync(c => OperatorHarness.Converged(c) && c.Status!.Members!.Any(m => m.NodeId == 3 && m.Incarnation == fresh && m.Role == MemberRole.Voter));
        Assert.Equal(["RemoveMember(3)", "AddLearner(3)", "PromoteLearner(3)"], h.Raft.Calls);
        var events = await h.Kube.CoreV1.ListNamespacedEventAsync(OperatorHarness.Ns);
        Assert.Contains(events.Items, e => e.Reason == "MemberReplaced" && e.Type == "Warning" && e.Message.Contains("data was lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_spec_gets_a_precise_condition_and_no_children()
    {
        await using var h = await OperatorHarness.StartAsync();
        var cluster = new ExchangeCluster
        {
            Metadata = new V1ObjectMeta { Name = OperatorHarness.Name, NamespaceProperty = OperatorHarness.Ns },
            Spec = Crd.SpecValidatorTests.ValidSpec(),
        };
        cluster.Spec.Raft = new RaftTimings { HeartbeatIntervalMs = 500, ElectionTimeoutMs = 1000 };
        await h.Kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeCluster>(cluster, ExchangeCluster.Group, ExchangeCluster.Version, OperatorHarness.Ns, ExchangeCluster.Plural);

        await h.RoundAsync();
        var status = (await h.GetAsync()).Status!;
        Assert.Equal(ClusterPhase.Failed, status.Phase);
        var degraded = status.Conditions!.Single(c => c.Type == ClusterConditions.Degraded);
        Assert.Equal("InvalidSpec", degraded.Reason);
        Assert.Contains("spec.raft.electionTimeoutMs", degraded.Message, StringComparison.Ordinal);
        Assert.Empty((await h.Kube.AppsV1.ListNamespacedStatefulSetAsync(OperatorHarness.Ns)).Items);
        Assert.DoesNotContain((await h.Kube.CoreV1.ListNamespacedConfigMapAsync(OperatorHarness.Ns)).Items, m => m.Metadata.Name.StartsWith("xc1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_spec_warning_becomes_one_warning_event()
    {
        await using var h = await OperatorHarness.StartAsync(voters: 4);
        await h.CreateAsync(replicas: 4, image: "raftex/node");
        for (var i = 0; i < 3; i++) { await h.RoundAsync(); }
        var warnings = (await h.Kube.CoreV1.ListNamespacedEventAsync(OperatorHarness.Ns)).Items.Where(e => e.Reason == "SpecWarning").ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, e => e.Message.StartsWith("spec.replicas:", StringComparison.Ordinal) && e.Type == "Warning");
        Assert.Contains(warnings, e => e.Message.StartsWith("spec.image:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_api_server_refuses_a_storage_resize()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            h.UpdateSpecAsync(c => c.Spec.Storage.Size = new ResourceQuantity("50Gi")));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        Assert.Contains("storage.size is immutable", e.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_operator_instance_resumes_a_roll_from_status()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();
        await h.UpdateSpecAsync(c => c.Spec.Image = "raftex/node:1.1");

        // The first operator records and evicts xc1-2, then dies before seeing the replacement.
        await h.Reconciler.ReconcileAsync(h.Key, CancellationToken.None);
        var recorded = (await h.GetAsync()).Status!.Progress!;
        Assert.Equal(OperationStep.Restarting, recorded.Step);
        Assert.Equal("xc1-2", recorded.Pod);
        await h.Pods.SyncAsync();

        var successor = new ExchangeClusterReconciler(h.Kube, h.Connector, options: new ReconcilerOptions { VolatileStatusInterval = TimeSpan.Zero });
        var rounds = 0;
        do
        {
            await successor.ReconcileAsync(h.Key, CancellationToken.None);
            await h.Pods.SyncAsync();
        }
        while (++rounds < 40 && !OperatorHarness.Converged(await h.GetAsync()));

        Assert.True(OperatorHarness.Converged(await h.GetAsync()));
        var created = h.Raft.Calls.Where(c => c.StartsWith("PodCreated", StringComparison.Ordinal) || c.StartsWith("Transfer", StringComparison.Ordinal)).ToList();
        Assert.Equal(["PodCreated(2)", "PodCreated(1)", "TransferLeadership(1→2)", "PodCreated(0)"], created);
    }

    [Fact]
    public async Task Supervised_rollout_waits_for_the_approval_annotation_before_the_leader()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateAsync();
        await h.RunUntilAsync(OperatorHarness.Converged);
        h.Raft.Calls.Clear();
        await h.UpdateSpecAsync(c =>
        {
            c.Spec.Image = "raftex/node:1.1";
            c.Spec.UpdateStrategy = new UpdateStrategySpec { Type = UpdateStrategyType.Supervised };
        });

        var held = await h.RunUntilAsync(c => c.Status?.Progress?.Step == OperationStep.AwaitingApproval);
        for (var i = 0; i < 3; i++) { await h.RoundAsync(); }
        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("Transfer", StringComparison.Ordinal) || c == "PodCreated(0)");
        var progressing = (await h.GetAsync()).Status!.Conditions!.Single(c => c.Type == ClusterConditions.Progressing);
        Assert.Contains("raftex.io/approve-leader-restart=" + held.Status!.UpdateRevision, progressing.Message, StringComparison.Ordinal);

        await h.UpdateSpecAsync(c => c.Metadata.Annotations = new Dictionary<string, string> { [ChildLabels.ApproveLeaderRestart] = held.Status.UpdateRevision! });
        await h.RunUntilAsync(c => OperatorHarness.Converged(c) && h.Raft.Calls.Contains("PodCreated(0)"));
        Assert.True(h.Raft.Calls.IndexOf("TransferLeadership(1→2)") < h.Raft.Calls.IndexOf("PodCreated(0)"));
    }
}

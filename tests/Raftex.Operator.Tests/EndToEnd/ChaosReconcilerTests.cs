using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Chaos;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Operator.Chaos;
using Raftex.Operator.Hosting;
using Raftex.Operator.Reconciling;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// The ChaosExperiment controller against the embedded API server: real pod objects from the StatefulSet controller,
/// Admin calls over real gRPC to fake nodes, a fake probe account, one reconcile per step on a fake clock.
/// </summary>
public sealed class ChaosReconcilerTests
{
    private const string Cluster = ChaosHarness.Cluster;

    private static ChaosExperimentSpec Spec(ChaosAction action, TargetSelectorSpec? selector = null, string? duration = "5s") =>
        new() { ClusterRef = Cluster, Action = action, Selector = selector, Duration = duration };

    private static ChaosCondition Condition(ChaosExperiment e, string type) => Assert.Single(e.Status!.Conditions!, c => c.Type == type);

    private static void AssertPassedAndHealed(ChaosHarness h, ChaosExperiment done)
    {
        var s = done.Status!;
        Assert.True(s.Verdict == ChaosVerdict.Pass, $"verdict {s.Verdict}: {s.Reason}");
        Assert.Equal(ChaosPhase.Completed, s.Phase);
        Assert.All(h.Faults(), f => Assert.True(f.Value.Count == 0, $"node {f.Key} still holds {f.Value.Count} fault(s)"));
        Assert.Equal("True", Condition(done, ChaosConditions.AllRecovered).Status);
        Assert.All(s.Targets!, t => Assert.NotNull(t.RecoveredAt));
        Assert.NotNull(s.RecoverySeconds);
        Assert.NotNull(s.LeaderAfter);
        Assert.True(s.Probe!.Acknowledged > 0);
        Assert.Equal(s.Probe.Baseline + s.Probe.AcknowledgedSum, s.Probe.Balance);
    }

    [Fact]
    public async Task Targets_are_chosen_among_the_cluster_pods_by_role_count_and_name()
    {
        await using var h = await ChaosHarness.StartAsync();
        h.Raft.Elect(2);

        // The leader, wherever it is now: node 2 runs in pod xc1-1; the partition cuts it from nodes 1 and 3.
        await h.CreateAsync("leader", Spec(ChaosAction.Partition, new TargetSelectorSpec { Mode = SelectionMode.One, Role = TargetRole.Leader }));
        var (leader, held) = await h.RunToVerdictAsync("leader");
        Assert.Equal([("xc1-1", 2L)], leader.Status!.Targets!.Select(t => (t.Pod, t.NodeId)));
        Assert.Equal(("xc1-1", "TargetsSelected", "xc1-1"), (leader.Status.LeaderBefore!.Pod, Condition(leader, ChaosConditions.Selected).Reason, Condition(leader, ChaosConditions.Selected).Message));
        var isolate = Assert.Single(held![2]).Isolate;
        Assert.Equal([1UL, 3UL], isolate.PeerNodeIds);
        Assert.Equal(FaultDirection.Both, isolate.Direction);
        Assert.Empty(held[1]);
        Assert.Empty(held[3]);
        AssertPassedAndHealed(h, leader);

        // Two of the followers: every pod but the leader's.
        var delay = Spec(ChaosAction.Delay, new TargetSelectorSpec { Mode = SelectionMode.Fixed, Value = 2, Role = TargetRole.Follower });
        delay.Delay = new DelaySpec { LatencyMs = 40 };
        await h.CreateAsync("followers", delay);
        (var followers, held) = await h.RunToVerdictAsync("followers");
        Assert.Equal(["xc1-0", "xc1-2"], followers.Status!.Targets!.Select(t => t.Pod));
        Assert.Equal(TimeSpan.FromMilliseconds(40), Assert.Single(held![1]).Delay.Delay.ToTimeSpan());
        Assert.Equal(TimeSpan.FromMilliseconds(40), Assert.Single(held[3]).Delay.Delay.ToTimeSpan());
        Assert.Empty(held[2]);
        AssertPassedAndHealed(h, followers);

        // Named pods must all exist: nothing is injected when one does not.
        var loss = Spec(ChaosAction.Loss, new TargetSelectorSpec { Pods = ["xc1-2", "xc1-9"] });
        loss.Loss = new LossSpec { Percent = 10 };
        await h.CreateAsync("named", loss);
        var named = await h.RunUntilAsync("named", e => ChaosHarness.InPhase(e, ChaosPhase.Failed));
        Assert.Equal("no targets: pod(s) xc1-9 not found among xc1-0, xc1-1, xc1-2", named.Status!.Reason);
        Assert.Equal(("False", "NoTargets"), (Condition(named, ChaosConditions.Selected).Status, Condition(named, ChaosConditions.Selected).Reason));
        Assert.All(h.Faults(), f => Assert.Empty(f.Value));
    }

    [Fact]
    public async Task An_experiment_on_a_missing_cluster_waits_and_says_so()
    {
        await using var h = await ChaosHarness.StartAsync();
        var spec = Spec(ChaosAction.PodKill, duration: null);
        spec.ClusterRef = "nope";
        await h.CreateAsync("lost", spec);

        await h.StepAsync("lost");
        var lost = await h.GetAsync("lost");
        Assert.Equal(ChaosPhase.Pending, lost.Status!.Phase);
        var selected = Condition(lost, ChaosConditions.Selected);
        Assert.Equal(("False", "ClusterNotFound", "ExchangeCluster nope not found in namespace default"), (selected.Status, selected.Reason, selected.Message));
        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("Crash", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("partition")]
    [InlineData("podkill")]
    [InlineData("delay")]
    [InlineData("loss")]
    [InlineData("clockskew")]
    [InlineData("leadertransferstorm")]
    public async Task Each_example_reaches_the_nodes_through_Admin_heals_and_passes(string action)
    {
        await using var h = await ChaosHarness.StartAsync();
        await h.CreateAsync(action, ChaosHarness.Example(action));
        var (done, held) = await h.RunToVerdictAsync(action);

        AssertPassedAndHealed(h, done);
        var s = done.Status!;
        var events = (await h.EventsAsync(action)).Select(e => e.Reason).ToList();
        Assert.Contains("Selected", events);
        Assert.Contains("Injected", events);
        Assert.Contains("Passed", events);
        var tenSeconds = TimeSpan.FromSeconds(10);
        switch (action)
        {
            case "partition":
                var isolate = Assert.Single(held![1]);
                Assert.Equal([2UL, 3UL], isolate.Isolate.PeerNodeIds);
                Assert.Equal((FaultDirection.Both, tenSeconds), (isolate.Isolate.Direction, isolate.Duration.ToTimeSpan()));
                Assert.Empty(held[2].Concat(held[3]));
                Assert.Contains("Healed", events);
                break;
            case "podkill":
                // Crash: the leader's process died at once and restarted in the same pod; a survivor took over.
                Assert.Null(held);
                Assert.Equal(("xc1-0", "xc1-1"), (s.LeaderBefore!.Pod, s.LeaderAfter!.Pod));
                Assert.True(h.Raft.Calls.IndexOf("Crash(1)") < h.Raft.Calls.IndexOf("ContainerRestarted(0)"), string.Join(", ", h.Raft.Calls));
                Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("PodCreated", StringComparison.Ordinal));
                Assert.True(s.LeaderChanges >= 1);
                break;
            case "delay":
                var delayed = Assert.Single(held!, f => f.Value.Count > 0);
                Assert.NotEqual(1UL, delayed.Key);
                var delay = Assert.Single(delayed.Value);
                Assert.Equal((150.0, 50.0, tenSeconds), (delay.Delay.Delay.ToTimeSpan().TotalMilliseconds, delay.Delay.Jitter.ToTimeSpan().TotalMilliseconds, delay.Duration.ToTimeSpan()));
                Assert.Equal(ChildNames.Pod(Cluster, (int)delayed.Key - 1), Assert.Single(s.Targets!).Pod);
                break;
            case "loss":
                Assert.All(held!.Values, f => Assert.Equal((0.30, tenSeconds), (Assert.Single(f).Drop.Fraction, f[0].Duration.ToTimeSpan())));
                break;
            case "clockskew":
                var skewed = Assert.Single(held!, f => f.Value.Count > 0);
                Assert.NotEqual(1UL, skewed.Key);
                Assert.Equal((TimeSpan.FromSeconds(30), tenSeconds), (Assert.Single(skewed.Value).ClockSkew.Skew.ToTimeSpan(), skewed.Value[0].Duration.ToTimeSpan()));
                break;
            default:
                // The storm sets no fault; it moves leadership once a second for 10 s. The example is scheduled at
                // 03:00 UTC: the clock starts at 02:59:30, so the run waits for it and records itself in the history.
                Assert.All(held!.Values, Assert.Empty);
                var transfers = h.Raft.Calls.Count(c => c.StartsWith("TransferLeadership", StringComparison.Ordinal));
                Assert.InRange(transfers, 5, 11);
                Assert.Equal(transfers, s.Transfers);
                Assert.True(s.LeaderChanges >= transfers - 1, $"{s.LeaderChanges} leader changes for {transfers} transfers");
                Assert.Equal(new DateTime(2026, 12, 7, 3, 0, 0, DateTimeKind.Utc), s.StartedAt);
                Assert.Equal(new DateTime(2026, 12, 8, 3, 0, 0, DateTimeKind.Utc), s.NextRunAt);
                Assert.Equal(ChaosVerdict.Pass, Assert.Single(s.History!).Verdict);
                break;
        }
    }

    [Fact]
    public async Task A_pod_kill_by_delete_uses_a_grace_period_and_the_StatefulSet_brings_the_pod_back()
    {
        await using var h = await ChaosHarness.StartAsync();
        var uids = (await h.Kube.CoreV1.ListNamespacedPodAsync(ChaosHarness.Ns)).Items.ToDictionary(p => p.Metadata.Name, p => p.Metadata.Uid);
        var spec = Spec(ChaosAction.PodKill, new TargetSelectorSpec { Role = TargetRole.Follower }, duration: null);
        spec.PodKill = new PodKillSpec { Method = PodKillMethod.Delete, GracePeriodSeconds = 3 };
        await h.CreateAsync("delete", spec);

        var done = await h.RunUntilAsync("delete", ChaosHarness.HasVerdict);

        AssertPassedAndHealed(h, done);
        var target = Assert.Single(done.Status!.Targets!).Pod;
        Assert.NotEqual("xc1-0", target);
        var after = (await h.Kube.CoreV1.ListNamespacedPodAsync(ChaosHarness.Ns)).Items.ToDictionary(p => p.Metadata.Name, p => p.Metadata.Uid);
        Assert.Equal(uids.Keys.Order(), after.Keys.Order());
        Assert.All(uids, p => Assert.True((p.Value == after[p.Key]) == (p.Key != target), $"pod {p.Key}: uid {p.Value} → {after[p.Key]}"));
        Assert.Contains($"PodCreated({ChildNames.OrdinalOf(Cluster, target)})", h.Raft.Calls);
        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("Crash", StringComparison.Ordinal));
        Assert.Contains((await h.EventsAsync("delete")).Select(e => e.Message), m => m.Contains("pod kill (delete, grace 3s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleting_an_experiment_that_holds_faults_heals_every_target_through_the_finalizer()
    {
        await using var h = await ChaosHarness.StartAsync();
        using var stop = new CancellationTokenSource();
        var host = new OperatorHost(h.Kube, h.Operator.Connector, new OperatorOptions { Namespace = ChaosHarness.Ns, LeaderElection = false }, NullLoggerFactory.Instance,
            reconcilerOptions: new ReconcilerOptions { ActivePoll = TimeSpan.FromMilliseconds(50), SteadyPoll = TimeSpan.FromSeconds(1), VolatileStatusInterval = TimeSpan.Zero },
            probes: h.Probes, chaosOptions: new ChaosEngineOptions { ActivePoll = TimeSpan.FromMilliseconds(50), ProbeBatch = 1 });
        var running = host.RunAsync(stop.Token);
        try
        {
            // Ten minutes of loss on every member: only the finalizer can end it early here (the fake nodes never expire faults).
            var spec = Spec(ChaosAction.Loss, new TargetSelectorSpec { Mode = SelectionMode.All }, "10m");
            spec.Loss = new LossSpec { Percent = 20 };
            await h.CreateAsync("loss", spec);
            // The nodes hold the fault a moment before the status write that records it: wait for both.
            await Poll.UntilAsync(() => h.Faults().Values.All(f => f.Count == 1), "every node holds the loss fault", TimeSpan.FromSeconds(60));
            await Poll.UntilAsync(async () => (await h.GetAsync("loss")).Status?.Phase == ChaosPhase.Injected, "the status says Injected", TimeSpan.FromSeconds(60));
            var injected = await h.GetAsync("loss");
            Assert.Contains(ChaosExperimentReconciler.FinalizerName, injected.Metadata.Finalizers ?? []);
            Assert.All(h.Faults(), f => Assert.True(f.Value.Count == 1, $"node {f.Key} holds {f.Value.Count} fault(s), not the one loss fault"));

            await h.Kube.CustomObjects.DeleteNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, ChaosHarness.Ns, ChaosExperiment.Plural, "loss");
            await Poll.UntilAsync(async () => await h.Reconciler.Client.GetAsync(new ObjectKey(ChaosHarness.Ns, "loss"), CancellationToken.None) is null,
                "the experiment is gone", TimeSpan.FromSeconds(60));

            Assert.All(h.Faults(), f => Assert.True(f.Value.Count == 0, $"node {f.Key} still holds {f.Value.Count} fault(s)"));
            var healed = Assert.Single(await h.EventsAsync("loss"), e => e.Reason == "HealedOnDelete");
            Assert.Equal(("Normal", "deleted before its end: every fault cleared"), (healed.Type, healed.Message));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [Fact]
    public async Task A_restarted_operator_resumes_from_status_without_injecting_twice()
    {
        await using var h = await ChaosHarness.StartAsync();
        await h.CreateAsync("partition", ChaosHarness.Example("partition"));
        var injected = await h.RunUntilAsync("partition", e => ChaosHarness.InPhase(e, ChaosPhase.Injected));
        Assert.Single(h.Raft.Faults(1));

        h.RestartOperator();
        var done = await h.RunUntilAsync("partition", e =>
        {
            Assert.True(h.Raft.Faults(1).Count <= 1, "the fault was injected again after the restart");
            return ChaosHarness.HasVerdict(e);
        });

        AssertPassedAndHealed(h, done);
        Assert.Equal(injected.Status!.InjectedAt, done.Status!.InjectedAt);
        Assert.Equal(injected.Status.Targets![0].InjectedAt, done.Status.Targets![0].InjectedAt);
        Assert.Equal(injected.Status.Probe!.TransactionBase, done.Status.Probe!.TransactionBase);
        Assert.True(done.Status.Probe.Next > injected.Status.Probe.Next);
        Assert.Single(await h.EventsAsync("partition"), e => e.Reason == "Injected");
    }

    [Fact]
    public async Task An_operator_back_after_the_fault_should_have_ended_heals_from_status_and_judges()
    {
        await using var h = await ChaosHarness.StartAsync();
        await h.CreateAsync("loss", ChaosHarness.Example("loss"));
        var injected = await h.RunUntilAsync("loss", e => ChaosHarness.InPhase(e, ChaosPhase.Injected));
        Assert.All(h.Faults().Values, f => Assert.Single(f));

        // The operator is away for two minutes, far past the 10 s the fault lasts; the nodes here never clear it themselves.
        h.Time.Advance(TimeSpan.FromMinutes(2));
        h.RestartOperator();
        await h.StepAsync("loss");
        var healed = await h.GetAsync("loss");
        Assert.Equal(ChaosPhase.Recovering, healed.Status!.Phase);
        Assert.All(h.Faults().Values, Assert.Empty);
        Assert.True(healed.Status.HealedAt >= injected.Status!.HealAt!.Value.AddMinutes(1), $"healed at {healed.Status.HealedAt:O}, due {injected.Status.HealAt:O}");

        AssertPassedAndHealed(h, await h.RunUntilAsync("loss", ChaosHarness.HasVerdict));
    }

    [Fact]
    public async Task A_second_experiment_on_the_same_cluster_waits_with_a_condition_naming_the_first()
    {
        await using var h = await ChaosHarness.StartAsync();
        await h.CreateAsync("first", ChaosHarness.Example("loss"));
        await h.RunUntilAsync("first", e => ChaosHarness.InPhase(e, ChaosPhase.Injected));
        await h.CreateAsync("second", ChaosHarness.Example("delay"));

        await h.StepAsync("second");
        var waiting = await h.GetAsync("second");
        Assert.Equal(ChaosPhase.Pending, waiting.Status!.Phase);
        var selected = Condition(waiting, ChaosConditions.Selected);
        Assert.Equal(("False", "WaitingForExperiment", "experiment first holds cluster xc1; this one starts when it ends"), (selected.Status, selected.Reason, selected.Message));
        Assert.Null(waiting.Status.Targets);
        Assert.DoesNotContain(h.Faults().Values.SelectMany(f => f), f => f.KindCase == Fault.KindOneofCase.Delay);
        Assert.Contains(await h.EventsAsync("second"), e => e.Reason == "WaitingForExperiment");

        var first = await h.RunUntilAsync("first", ChaosHarness.HasVerdict);
        AssertPassedAndHealed(h, first);
        var second = await h.RunUntilAsync("second", ChaosHarness.HasVerdict);
        AssertPassedAndHealed(h, second);
        Assert.True(second.Status!.StartedAt >= first.Status!.CompletedAt);
        Assert.Equal("TargetsSelected", Condition(second, ChaosConditions.Selected).Reason);
    }

    [Fact]
    public async Task A_rolling_restart_waits_while_an_experiment_holds_the_cluster_and_proceeds_after_its_verdict()
    {
        await using var h = await ChaosHarness.StartAsync();
        await h.CreateAsync("delay", ChaosHarness.Example("delay"));
        await h.RunUntilAsync("delay", e => ChaosHarness.InPhase(e, ChaosPhase.Injected));
        var before = await h.Operator.GetAsync();

        await h.Operator.UpdateSpecAsync(c => c.Spec.Image = "raftex/node:1.1");
        for (var i = 0; i < 5; i++)
        {
            await h.Operator.RoundAsync();
        }

        var paused = await h.Operator.GetAsync();
        Assert.Equal(OperationKind.Rollout, paused.Status!.Progress?.Kind);
        Assert.DoesNotContain(h.Raft.Calls, c => c.StartsWith("PodCreated", StringComparison.Ordinal) || c.StartsWith("TransferLeadership", StringComparison.Ordinal));
        var pods = (await h.Kube.CoreV1.ListNamespacedPodAsync(ChaosHarness.Ns)).Items;
        Assert.All(pods, p => Assert.Equal(before.Status!.UpdateRevision, p.Metadata.Labels[ChildLabels.Revision]));
        var waited = Assert.Single(await h.EventsAsync(Cluster), e => e.Reason == "WaitingForChaos");
        Assert.Equal("Rollout paused: chaos experiment delay holds the cluster", waited.Message);

        AssertPassedAndHealed(h, await h.RunUntilAsync("delay", ChaosHarness.HasVerdict));
        var rolled = await h.Operator.RunUntilAsync(c => OperatorHarness.Converged(c) && c.Status!.UpdateRevision != before.Status!.UpdateRevision);
        Assert.Equal(3, h.Raft.Calls.Count(c => c.StartsWith("PodCreated", StringComparison.Ordinal)));
        pods = (await h.Kube.CoreV1.ListNamespacedPodAsync(ChaosHarness.Ns)).Items;
        Assert.All(pods, p => Assert.Equal(rolled.Status!.UpdateRevision, p.Metadata.Labels[ChildLabels.Revision]));
    }

    [Fact]
    public async Task An_experiment_waits_for_a_rolling_restart_in_progress()
    {
        await using var h = await ChaosHarness.StartAsync();
        await h.Operator.UpdateSpecAsync(c => c.Spec.Image = "raftex/node:1.1");
        // The restarted pod xc1-2 never catches up, so the rollout stays in progress.
        h.Operator.Pods.Stuck.Add(3);
        await h.Operator.RunUntilAsync(_ => h.Raft.Calls.Contains("PodCreated(2)"));
        await h.Operator.RoundAsync();
        Assert.NotNull((await h.Operator.GetAsync()).Status!.Progress);

        await h.CreateAsync("loss", ChaosHarness.Example("loss"));
        await h.StepAsync("loss");
        var waiting = await h.GetAsync("loss");
        var selected = Condition(waiting, ChaosConditions.Selected);
        Assert.Equal(("False", "WaitingForClusterOperation"), (selected.Status, selected.Reason));
        Assert.Equal("cluster xc1 is busy with a Rollout; injecting now would measure the operation, not the fault", selected.Message);
        Assert.All(h.Faults().Values, Assert.Empty);

        h.Operator.Pods.Stuck.Clear();
        await h.Operator.RunUntilAsync(OperatorHarness.Converged);
        AssertPassedAndHealed(h, await h.RunUntilAsync("loss", ChaosHarness.HasVerdict));
    }

    [Fact]
    public async Task A_lost_acknowledged_probe_deposit_fails_the_verdict()
    {
        await using var h = await ChaosHarness.StartAsync();
        await h.CreateAsync("partition", ChaosHarness.Example("partition"));
        await h.RunUntilAsync("partition", e => ChaosHarness.InPhase(e, ChaosPhase.Injected) && e.Status!.Probe!.Acknowledged > 0);

        // Deposit 1 (amount 1) was acknowledged; the cluster now forgets it, as a Raft bug that loses a committed entry would.
        h.Ledger.LoseOneAcknowledged();
        var done = await h.RunUntilAsync("partition", ChaosHarness.HasVerdict);

        var s = done.Status!;
        Assert.Equal((ChaosPhase.Completed, ChaosVerdict.Fail), (s.Phase, s.Verdict));
        Assert.Equal(s.Probe!.Baseline + s.Probe.AcknowledgedSum - 1, s.Probe.Balance);
        Assert.Contains("acknowledged deposits were lost", s.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"probe balance {s.Probe.Balance}, expected {s.Probe.Baseline + s.Probe.AcknowledgedSum}", s.Reason, StringComparison.Ordinal);
        Assert.All(h.Faults().Values, Assert.Empty);
        var failed = Assert.Single(await h.EventsAsync("partition"), e => e.Reason == "Failed");
        Assert.Equal("Warning", failed.Type);
    }
}

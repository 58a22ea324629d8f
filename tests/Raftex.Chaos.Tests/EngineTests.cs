using Raftex.Protocol.V1;

namespace Raftex.Chaos.Tests;

public sealed class EngineTests
{
    [Fact]
    public async Task A_leader_partition_is_injected_with_its_duration_healed_and_judged_Pass()
    {
        var cluster = new FakeChaosCluster();
        var time = Experiments.Clock();
        var sawInjected = false;
        var spec = Experiments.Spec("action: Partition\nselector: { mode: One, role: Leader }\npartition: { direction: From }\nduration: 2s");
        var (status, events) = await Experiments.RunAsync(spec, cluster, time, s =>
        {
            if (s.Phase == ChaosPhase.Injected)
            {
                sawInjected = true;
                var fault = Assert.Single(cluster.Admins[1].Faults);
                Assert.Equal(FaultDirection.Outbound, fault.Isolate.Direction);
                Assert.Equal([2UL, 3UL], fault.Isolate.PeerNodeIds);
                Assert.Equal(TimeSpan.FromSeconds(2), fault.Duration.ToTimeSpan());
                cluster.Elect(2);
            }
        });

        Assert.True(sawInjected);
        Assert.Equal(ChaosVerdict.Pass, status.Verdict);
        Assert.Equal("c-0", status.Target);
        Assert.Empty(cluster.Admins[1].Faults);
        Assert.Contains("ClearFaults", cluster.Admins[1].Calls);
        Assert.Empty(cluster.Admins[2].Calls);
        Assert.Equal("c-0", status.LeaderBefore!.Pod);
        Assert.Equal("c-1", status.LeaderAfter!.Pod);
        Assert.Equal(1, status.LeaderChanges);
        Assert.NotNull(status.RecoverySeconds);
        Assert.All(status.Targets!, t => Assert.NotNull(t.RecoveredAt));
        Assert.True(status.Probe!.Acknowledged > 0);
        Assert.Equal(status.Probe.Baseline + status.Probe.AcknowledgedSum, status.Probe.Balance);
        Assert.Contains(events, e => e.Reason == "Healed");
        Assert.True(ChaosConditions.IsTrue(status.Conditions, ChaosConditions.AllRecovered));
    }

    [Theory]
    [InlineData("action: Delay\nselector: { mode: All }\ndelay: { latencyMs: 120, jitterMs: 30 }\nduration: 1s", "delay")]
    [InlineData("action: Loss\nselector: { mode: One, role: Follower }\nloss: { percent: 25 }\nduration: 1s", "drop")]
    [InlineData("action: ClockSkew\nselector: { pods: [c-2] }\nclockSkew: { offsetSeconds: -30 }\nduration: 1s", "clockSkew")]
    public async Task Each_transport_fault_carries_its_parameters_and_is_cleared(string body, string kind)
    {
        var cluster = new FakeChaosCluster();
        var seen = new List<Fault>();
        var (status, _) = await Experiments.RunAsync(Experiments.Spec(body), cluster, Experiments.Clock(), s =>
        {
            if (s.Phase == ChaosPhase.Injected)
            {
                seen = cluster.Admins.Values.SelectMany(a => a.Faults).ToList();
            }
        });

        Assert.Equal(ChaosVerdict.Pass, status.Verdict);
        Assert.NotEmpty(seen);
        Assert.All(seen, f => Assert.Equal(TimeSpan.FromSeconds(1), f.Duration.ToTimeSpan()));
        switch (kind)
        {
            case "delay":
                Assert.Equal(3, seen.Count);
                Assert.All(seen, f => Assert.Equal((TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(30)), (f.Delay.Delay.ToTimeSpan(), f.Delay.Jitter.ToTimeSpan())));
                break;
            case "drop":
                Assert.Equal(0.25, Assert.Single(seen).Drop.Fraction);
                Assert.DoesNotContain("SetFaults", cluster.Admins[1].Calls);
                break;
            default:
                Assert.Equal(TimeSpan.FromSeconds(-30), Assert.Single(seen).ClockSkew.Skew.ToTimeSpan());
                Assert.Contains("SetFaults", cluster.Admins[3].Calls);
                break;
        }

        Assert.All(cluster.Admins.Values, a => Assert.Empty(a.Faults));
    }

    [Fact]
    public async Task A_pod_kill_crashes_the_leader_and_waits_until_it_is_back()
    {
        var cluster = new FakeChaosCluster();
        var time = Experiments.Clock();
        var start = time.GetUtcNow();
        var (status, _) = await Experiments.RunAsync(Experiments.Spec("action: PodKill\nselector: { role: Leader }"), cluster, time, _ =>
        {
            // The "kubelet" restarts the crashed node three seconds later.
            if (cluster.Admins[1].Down && time.GetUtcNow() - start > TimeSpan.FromSeconds(3))
            {
                cluster.Admins[1].Down = false;
            }
        });

        Assert.Equal(ChaosVerdict.Pass, status.Verdict);
        Assert.Contains("Crash", cluster.Admins[1].Calls);
        Assert.NotEqual(1, status.LeaderAfter!.NodeId);
        Assert.True(status.Targets![0].RecoveredAt - status.HealedAt >= TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_pod_delete_uses_its_grace_period_and_a_target_that_never_returns_fails_the_run()
    {
        var cluster = new FakeChaosCluster();
        var (status, _) = await Experiments.RunAsync(
            Experiments.Spec("action: PodKill\nselector: { pods: [c-1] }\npodKill: { method: Delete, gracePeriodSeconds: 3 }\nchecks: { maxRecoverySeconds: 5 }"),
            cluster, Experiments.Clock());

        Assert.Equal(["c-1 grace 3"], cluster.Deleted);
        Assert.Equal(ChaosVerdict.Fail, status.Verdict);
        Assert.Equal("target(s) c-1 not back within 5s of healing", status.Reason);
    }

    [Fact]
    public async Task A_transfer_storm_moves_leadership_to_its_targets_repeatedly()
    {
        var cluster = new FakeChaosCluster();
        var (status, _) = await Experiments.RunAsync(
            Experiments.Spec("action: LeaderTransferStorm\nselector: { mode: All }\nleaderTransferStorm: { intervalMs: 500 }\nduration: 3s"), cluster, Experiments.Clock());

        Assert.Equal(ChaosVerdict.Pass, status.Verdict);
        Assert.InRange(status.Transfers!.Value, 4, 7);
        Assert.True(status.LeaderChanges >= 4, $"leader changes {status.LeaderChanges}");
    }

    [Fact]
    public async Task A_lost_acknowledged_deposit_fails_the_verdict()
    {
        var cluster = new FakeChaosCluster();
        var (status, events) = await Experiments.RunAsync(Experiments.Spec("action: Loss\nloss: { percent: 10 }\nduration: 1s"), cluster, Experiments.Clock(), s =>
        {
            if (s.Phase == ChaosPhase.Recovering && s.RecoveredAt is null && s.Probe!.Acknowledged > 2)
            {
                cluster.Ledger.LoseOneAcknowledged();
            }
        });

        Assert.Equal(ChaosVerdict.Fail, status.Verdict);
        Assert.Contains("acknowledged deposits were lost", status.Reason, StringComparison.Ordinal);
        Assert.Contains(events, e => e.Reason == "Failed" && e.Warning);
    }

    [Fact]
    public async Task Unknown_deposits_are_resubmitted_with_the_same_ids_and_counted_once()
    {
        var cluster = new FakeChaosCluster();
        var (status, _) = await Experiments.RunAsync(Experiments.Spec("action: Delay\ndelay: { latencyMs: 50 }\nduration: 1s"), cluster, Experiments.Clock(), s =>
            cluster.Ledger.AnswerUnknown = s.Phase == ChaosPhase.Injected);

        Assert.Equal(ChaosVerdict.Pass, status.Verdict);
        Assert.True(status.Probe!.Resubmitted > 0);
        Assert.Empty(status.Probe.Unknown);
        Assert.Equal(status.Probe.Baseline + status.Probe.AcknowledgedSum, status.Probe.Balance);
    }

    [Fact]
    public async Task Diverged_state_hashes_fail_the_verdict()
    {
        var cluster = new FakeChaosCluster();
        cluster.Admins[1].Checkpoints.Add(new StateHashCheckpoint { Index = 50, StateHash = 0xAA });
        cluster.Admins[2].Checkpoints.Add(new StateHashCheckpoint { Index = 50, StateHash = 0xAA });
        cluster.Admins[3].Checkpoints.Add(new StateHashCheckpoint { Index = 50, StateHash = 0xBB });
        var (status, _) = await Experiments.RunAsync(Experiments.Spec("action: Delay\ndelay: { latencyMs: 50 }\nduration: 1s"), cluster, Experiments.Clock());

        Assert.Equal(ChaosVerdict.Fail, status.Verdict);
        Assert.Equal("replicas diverged: state hash at index 50 is 00000000000000aa on c-0 but 00000000000000bb on c-2", status.Reason);
    }

    [Fact]
    public async Task No_leader_after_healing_fails_after_the_recovery_bound()
    {
        var cluster = new FakeChaosCluster();
        var (status, _) = await Experiments.RunAsync(Experiments.Spec("action: Partition\nselector: { mode: All }\nduration: 1s\nchecks: { maxRecoverySeconds: 4 }"), cluster, Experiments.Clock(), s =>
        {
            if (s.Phase == ChaosPhase.Recovering)
            {
                cluster.LoseLeader();
            }
        });

        Assert.Equal(ChaosVerdict.Fail, status.Verdict);
        Assert.Equal("no leader within 4s of healing", status.Reason);
        Assert.Null(status.RecoverySeconds);
    }

    [Fact]
    public async Task Healing_clears_every_injected_target_and_reports_unreachable_ones()
    {
        var cluster = new FakeChaosCluster();
        var time = Experiments.Clock();
        var spec = Experiments.Spec("action: Loss\nselector: { mode: All }\nloss: { percent: 50 }\nduration: 10m");
        var status = (await new ChaosEngine(cluster, time, new Random(1)).StepAsync(spec, null, CancellationToken.None)).Status;
        status = (await new ChaosEngine(cluster, time, new Random(1)).StepAsync(spec, status, CancellationToken.None)).Status;
        Assert.Equal(ChaosPhase.Injected, status.Phase);
        Assert.All(cluster.Admins.Values, a => Assert.Single(a.Faults));
        cluster.Admins.Remove(3);

        var failures = await new ChaosEngine(cluster, time).HealAsync(status, CancellationToken.None);

        Assert.All(cluster.Admins.Values, a => Assert.Empty(a.Faults));
        Assert.Equal(["c-2: not found (its faults expire by themselves)"], failures);
    }

    [Fact]
    public async Task An_invalid_spec_fails_at_once_with_the_field_named()
    {
        var cluster = new FakeChaosCluster();
        var spec = Experiments.Spec("action: Delay\ndelay: { latencyMs: 10 }");
        var step = await new ChaosEngine(cluster).StepAsync(spec, null, CancellationToken.None);

        Assert.Equal(ChaosPhase.Failed, step.Status.Phase);
        Assert.Contains("spec.duration: required for Delay", step.Status.Reason, StringComparison.Ordinal);
        Assert.All(cluster.Admins.Values, a => Assert.Empty(a.Calls));
    }
}

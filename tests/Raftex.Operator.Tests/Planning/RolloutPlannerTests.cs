using Raftex.Operator.Api;
using Raftex.Operator.Planning;

namespace Raftex.Operator.Tests.Planning;

public sealed class RolloutPlannerTests
{
    private static PlannerWorld Rolling(int replicas, ulong leader = 1)
    {
        var world = new PlannerWorld(replicas) { Leader = leader };
        world.TemplateRevision = "r2";
        return world;
    }

    [Fact]
    public void Followers_go_highest_ordinal_first_and_the_leader_last_after_a_transfer()
    {
        var world = Rolling(3);
        var final = world.RunToCompletion();
        Assert.IsType<DoneAction>(final.Action);
        Assert.Equal(["evict 2", "evict 1", "transfer 1->2", "evict 0"], world.Log);
        Assert.All(world.Pods.Values, p => Assert.Equal("r2", p.Revision));
        Assert.Empty(world.Violations);
        Assert.Null(world.Progress);
        Assert.Equal(ClusterPhase.Running, final.Phase);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    public void The_leader_is_restarted_last_and_only_after_leadership_moved(int replicas)
    {
        for (var leader = 1UL; leader <= (ulong)replicas; leader++)
        {
            var world = Rolling(replicas, leader);
            Assert.IsType<DoneAction>(world.RunToCompletion().Action);
            Assert.Empty(world.Violations);
            Assert.Equal(replicas, world.Log.Count(l => l.StartsWith("evict", StringComparison.Ordinal)));
            var transfer = world.Log.FindIndex(l => l.StartsWith($"transfer {leader}->", StringComparison.Ordinal));
            Assert.True(transfer >= 0, $"leader {leader} of {replicas} never transferred: {string.Join(", ", world.Log)}");
            Assert.Equal($"evict {leader - 1}", world.Log[transfer + 1]);
            Assert.Equal(transfer + 1, world.Log.Count - 1);
        }
    }

    [Fact]
    public void Transfer_goes_to_the_most_caught_up_updated_follower()
    {
        var world = Rolling(3);
        world.MaxLag = 50;
        world.Step(); // evict 2
        world.Settle();
        world.Step(); // evict 1
        world.Settle();
        world.Commit += 20;
        world.Members[2] = world.Members[2] with { Match = world.Commit - 10 };
        world.Members[3] = world.Members[3] with { Match = world.Commit - 5 };
        var plan = world.Step();
        Assert.Equal(new TransferLeadershipAction(1, 3), plan.Action);
        Assert.Equal(OperationStep.TransferringLeadership, plan.Progress!.Step);
        Assert.Equal(3, plan.Progress.TransferTo);
    }

    [Fact]
    public void A_single_node_cluster_restarts_its_only_pod()
    {
        var world = Rolling(1);
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["evict 0"], world.Log);
    }

    [Fact]
    public void Nothing_is_evicted_while_another_voter_lags()
    {
        var world = Rolling(3);
        world.Commit += 100;
        foreach (var id in new ulong[] { 1, 3 }) { world.Members[id] = world.Members[id] with { Match = world.Commit }; }
        world.Members[2] = world.Members[2] with { Match = world.Commit - 50 };
        var plan = world.Step();
        var wait = Assert.IsType<WaitAction>(plan.Action);
        Assert.Contains("xc-1 (node 2) lags: match index 1050, commit index 1100", wait.Reason, StringComparison.Ordinal);
        Assert.Empty(world.Log);
        Assert.Null(plan.Progress);
    }

    [Fact]
    public void Nothing_is_evicted_while_an_updated_voter_is_unready()
    {
        var world = Rolling(3);
        world.Step(); // evict 2; its replacement stays unready
        world.Stuck.Add(2);
        for (var i = 0; i < 3; i++)
        {
            var plan = world.Step();
            Assert.IsType<WaitAction>(plan.Action);
            Assert.Contains("waiting for xc-2 to become ready", plan.Reason, StringComparison.Ordinal);
        }

        Assert.Equal(["evict 2"], world.Log);
        Assert.Empty(world.Violations);
    }

    [Fact]
    public void An_unready_outdated_pod_is_restarted_first_when_the_others_are_healthy()
    {
        var world = Rolling(3);
        world.Pods[1] = world.Pods[1] with { Ready = false };
        var plan = world.Step();
        Assert.Equal("xc-1", Assert.IsType<EvictAction>(plan.Action).Pod);
    }

    [Fact]
    public void No_leader_means_wait()
    {
        var world = Rolling(3);
        world.Leader = 0;
        var plan = world.Step();
        Assert.Contains("no Raft leader", Assert.IsType<WaitAction>(plan.Action).Reason, StringComparison.Ordinal);
        Assert.Empty(world.Log);
    }

    [Fact]
    public void A_stuck_pod_marks_the_cluster_degraded_and_stops_the_roll()
    {
        var world = Rolling(3);
        world.Stuck.Add(2);
        world.Step(); // evict 2
        world.Now += TimeSpan.FromMinutes(4);
        Assert.IsType<WaitAction>(world.Step().Action);

        world.Now += TimeSpan.FromMinutes(2);
        var degraded = world.Step();
        var mark = Assert.IsType<MarkDegradedAction>(degraded.Action);
        Assert.Contains("xc-2 did not become ready and caught up within 300s", mark.Reason, StringComparison.Ordinal);
        Assert.Equal(ClusterPhase.Degraded, degraded.Phase);
        Assert.True(degraded.Progress!.Stopped);
        Assert.True(degraded.Event!.Warning);

        for (var i = 0; i < 5; i++)
        {
            world.Now += TimeSpan.FromMinutes(10);
            var plan = world.Step();
            Assert.IsType<WaitAction>(plan.Action);
            Assert.Equal(ClusterPhase.Degraded, plan.Phase);
        }

        Assert.Equal(["evict 2", "degraded"], world.Log);
    }

    [Fact]
    public void A_stopped_roll_resumes_when_the_stuck_pod_recovers()
    {
        var world = Rolling(3);
        world.Stuck.Add(2);
        world.Step();
        world.Now += TimeSpan.FromMinutes(6);
        Assert.IsType<MarkDegradedAction>(world.Step().Action);
        world.Stuck.Clear();
        world.Settle();
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["evict 2", "degraded", "evict 1", "transfer 1->2", "evict 0"], world.Log);
    }

    [Fact]
    public void A_fixed_spec_restarts_the_broken_pod_first()
    {
        var world = Rolling(3);
        world.BadRevisions.Add("r2"); // r2 is a bad image: its pods never become ready
        world.Step(); // evict 2 onto r2
        world.Now += TimeSpan.FromMinutes(6);
        Assert.IsType<MarkDegradedAction>(world.Step().Action);
        world.Settle();
        Assert.IsType<WaitAction>(world.Step().Action);

        world.TemplateRevision = "r3"; // the user fixes the image
        var plan = world.Step();
        Assert.Equal("xc-2", Assert.IsType<EvictAction>(plan.Action).Pod);
        Assert.Equal("r3", plan.Progress!.TargetRevision);
        Assert.Null(plan.Progress.Stopped);

        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["evict 2", "degraded", "evict 2", "evict 1", "transfer 1->2", "evict 0"], world.Log);
        Assert.All(world.Pods.Values, p => Assert.Equal("r3", p.Revision));
        Assert.Empty(world.Violations);
    }

    [Fact]
    public void The_leader_moving_mid_roll_is_followed()
    {
        var world = Rolling(3);
        world.Step(); // evict 2
        world.Settle();
        // An election moves leadership to node 2 (ordinal 1, still outdated).
        world.Leader = 2;
        world.Term++;
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["evict 2", "evict 0", "transfer 2->1", "evict 1"], world.Log);
        Assert.Empty(world.Violations);
    }

    [Fact]
    public void A_recorded_step_whose_pod_became_leader_is_replanned_with_a_transfer()
    {
        var world = Rolling(3);
        var plan = ClusterPlanner.Next(world.Observe());
        Assert.Equal("xc-2", Assert.IsType<EvictAction>(plan.Action).Pod);
        // The eviction was refused (e.g. 429), and meanwhile node 3 (xc-2) won an election.
        world.Progress = plan.Progress;
        world.Leader = 3;
        world.Term++;
        var next = ClusterPlanner.Next(world.Observe());
        Assert.Equal("xc-1", Assert.IsType<EvictAction>(next.Action).Pod);
    }

    [Fact]
    public void An_operator_restart_before_the_eviction_retries_the_same_pod()
    {
        var world = Rolling(3);
        var first = ClusterPlanner.Next(world.Observe());
        world.Progress = first.Progress; // status written, then the operator died before evicting
        var again = ClusterPlanner.Next(world.Observe());
        Assert.Equal(first.Action, again.Action);
        Assert.Equal(first.Progress!.PodUid, again.Progress!.PodUid);
    }

    [Fact]
    public void An_operator_restart_after_the_eviction_waits_for_the_replacement()
    {
        var world = Rolling(3);
        world.Step(); // progress recorded, pod evicted and replaced (unready)
        var resumed = ClusterPlanner.Next(world.Observe() with { }); // a fresh operator sees only status
        Assert.IsType<WaitAction>(resumed.Action);
        Assert.Equal(OperationStep.Restarting, resumed.Progress!.Step);
        Assert.Equal("xc-2", resumed.Progress.Pod);
    }

    [Fact]
    public void Resuming_a_transfer_waits_for_confirmation_then_restarts_the_old_leader()
    {
        var world = Rolling(3);
        world.Step(); world.Settle(); world.Step(); world.Settle();
        var transfer = ClusterPlanner.Next(world.Observe());
        Assert.IsType<TransferLeadershipAction>(transfer.Action);
        world.Progress = transfer.Progress;

        // The transfer call was lost: the leader has not moved, so the transfer is issued again.
        Assert.IsType<TransferLeadershipAction>(ClusterPlanner.Next(world.Observe()).Action);

        world.Leader = 2; world.Term++;
        var after = ClusterPlanner.Next(world.Observe());
        Assert.Equal(new EvictAction("xc-0", world.Pods[0].Uid), after.Action);
    }

    [Fact]
    public void A_spec_change_mid_roll_retargets_without_double_restarts()
    {
        var world = Rolling(5);
        world.Step(); // evict 4 at r2
        world.TemplateRevision = "r3"; // spec changed while xc-4 restarts
        var waiting = world.Step();
        Assert.IsType<WaitAction>(waiting.Action);
        Assert.Contains("retargeted to revision r3", waiting.Reason, StringComparison.Ordinal);
        world.Settle();

        var before = world.Log.Count;
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        var after = world.Log.Skip(before).Where(l => l.StartsWith("evict", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, after.Count);
        Assert.Equal(after.Count, after.Distinct().Count());
        Assert.All(world.Pods.Values, p => Assert.Equal("r3", p.Revision));
        Assert.Empty(world.Violations);
    }

    [Fact]
    public void Pods_already_on_the_target_are_not_restarted()
    {
        var world = Rolling(3);
        world.Pods[2] = world.Pods[2] with { Revision = "r2" };
        world.RunToCompletion();
        Assert.DoesNotContain("evict 2", world.Log);
    }

    [Fact]
    public void Supervised_strategy_stops_before_the_leader_until_approved()
    {
        var world = Rolling(3);
        world.Strategy = UpdateStrategyType.Supervised;
        var held = world.RunToCompletion();
        var wait = Assert.IsType<WaitAction>(held.Action);
        Assert.Contains("raftex.io/approve-leader-restart=r2", wait.Reason, StringComparison.Ordinal);
        Assert.Equal(OperationStep.AwaitingApproval, held.Progress!.Step);
        Assert.Equal(["evict 2", "evict 1"], world.Log);

        world.Approved = "r1"; // approval of an older revision does not count
        Assert.IsType<WaitAction>(world.Step().Action);

        world.Approved = "r2";
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["evict 2", "evict 1", "transfer 1->2", "evict 0"], world.Log);
    }

    [Fact]
    public void Entry_format_is_raised_after_the_roll_once_every_voter_supports_it()
    {
        var world = Rolling(3);
        world.NewBinaryFormats = [1, 2];
        var final = world.RunToCompletion();
        Assert.IsType<DoneAction>(final.Action);
        Assert.Equal("format 2", world.Log[^1]);
        Assert.Equal(4, world.Log.FindIndex(l => l == "format 2"));
        Assert.Equal(2u, world.EntryFormat);
    }

    [Fact]
    public void Entry_format_stays_while_one_voter_lacks_support()
    {
        var world = new PlannerWorld(3);
        world.Formats[1] = [1, 2];
        world.Formats[2] = [1, 2];
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(1u, world.EntryFormat);
        Assert.Empty(world.Log);
    }
}

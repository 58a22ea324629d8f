using Raftex.Operator.Api;
using Raftex.Operator.Planning;

namespace Raftex.Operator.Tests.Planning;

public sealed class ScalingPlannerTests
{
    [Fact]
    public void Scaling_3_to_5_to_3_changes_one_member_at_a_time_in_order()
    {
        var world = new PlannerWorld(3) { DesiredReplicas = 5 };
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["replicas 4", "addLearner 4", "promote 4", "replicas 5", "addLearner 5", "promote 5"], world.Log);
        Assert.All(world.Members.Values, m => Assert.True(m.Voter));
        Assert.Equal(5, world.Members.Count);

        world.Log.Clear();
        world.DesiredReplicas = 3;
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["remove 5", "evict 4", "replicas 4", "remove 4", "evict 3", "replicas 3"], world.Log);
        Assert.Empty(world.Violations);
        Assert.Equal([1UL, 2UL, 3UL], world.Members.Keys);
        Assert.Equal([0, 1, 2], world.Pods.Keys);
    }

    [Fact]
    public void A_learner_is_promoted_only_once_caught_up()
    {
        var world = new PlannerWorld(3) { DesiredReplicas = 4 };
        world.Step(); // replicas 4
        world.Step(); // addLearner 4
        var plan = world.Step();
        var wait = Assert.IsType<WaitAction>(plan.Action);
        Assert.Contains("learner xc-3 catching up", wait.Reason, StringComparison.Ordinal);
        Assert.Equal(OperationStep.CatchingUp, plan.Progress!.Step);
        world.Settle();
        Assert.Equal(new PromoteLearnerAction(4), world.Step().Action);
    }

    [Fact]
    public void Scaling_down_the_leader_transfers_leadership_away_first()
    {
        var world = new PlannerWorld(5) { Leader = 5, DesiredReplicas = 4 };
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["transfer 5->1", "remove 5", "evict 4", "replicas 4"], world.Log);
    }

    [Fact]
    public void Scaling_waits_while_a_voter_is_unready()
    {
        var world = new PlannerWorld(3) { DesiredReplicas = 5 };
        world.Pods[1] = world.Pods[1] with { Ready = false };
        world.Stuck.Add(1);
        var plan = world.Step();
        Assert.Contains("not scaling up: xc-1 (node 2) is not ready", Assert.IsType<WaitAction>(plan.Action).Reason, StringComparison.Ordinal);
        Assert.Empty(world.Log);
    }

    [Fact]
    public void A_learner_that_never_catches_up_degrades_the_cluster()
    {
        var world = new PlannerWorld(3) { DesiredReplicas = 4 };
        world.Stuck.Add(3);
        world.Step();
        world.Step();
        world.Now += TimeSpan.FromMinutes(6);
        var plan = world.Step();
        Assert.Contains("learner xc-3 did not catch up", Assert.IsType<MarkDegradedAction>(plan.Action).Reason, StringComparison.Ordinal);
        Assert.Equal(ClusterPhase.Degraded, plan.Phase);
    }

    [Fact]
    public void Scale_up_resumes_from_status_after_an_operator_restart()
    {
        var world = new PlannerWorld(3) { DesiredReplicas = 4 };
        var first = ClusterPlanner.Next(world.Observe());
        world.Progress = first.Progress; // recorded, but replicas were never raised
        Assert.Equal(new SetReplicasAction(4), ClusterPlanner.Next(world.Observe()).Action);
    }

    [Fact]
    public void A_member_that_lost_its_data_is_removed_and_added_again()
    {
        var world = new PlannerWorld(3);
        var old = world.Members[2].Incarnation;
        world.Wipe(2);
        world.Pods[1] = world.Pods[1] with { Ready = false };
        var first = world.Step();
        Assert.Equal(new RemoveMemberAction(2, old), first.Action);
        Assert.Equal("MemberReplaced", first.Event!.Reason);
        Assert.Contains("data was lost", first.Event.Message, StringComparison.Ordinal);
        Assert.Equal(OperationKind.ReplaceMember, first.Progress!.Kind);

        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["remove 2", "addLearner 2", "promote 2"], world.Log);
        Assert.Equal(world.Incarnations[2], world.Members[2].Incarnation);
        Assert.True(world.Members[2].Voter);
    }

    [Fact]
    public void A_running_pod_that_is_not_a_member_joins_as_a_learner()
    {
        var world = new PlannerWorld(3);
        world.Members.Remove(3);
        Assert.IsType<DoneAction>(world.RunToCompletion().Action);
        Assert.Equal(["addLearner 3", "promote 3"], world.Log);
    }
}

using Raftex.Protocol.V1;

namespace Raftex.Chaos.Tests;

public sealed class SelectionTests
{
    private static (IReadOnlyList<ChaosMember> Targets, string? Error) Select(string selector, int nodes = 5, long leader = 2, int seed = 3)
    {
        var cluster = new FakeChaosCluster(nodes);
        var members = cluster.MembersAsync(CancellationToken.None).Result;
        var statuses = members.ToDictionary(m => m.NodeId, m => new NodeStatus { NodeId = (ulong)m.NodeId, Role = m.NodeId == leader ? Role.Leader : Role.Follower, Term = 3 });
        var (settings, errors) = ChaosSettings.From(Experiments.Spec($"action: Delay\ndelay: {{ latencyMs: 5 }}\nduration: 1s\nselector: {selector}"));
        Assert.Empty(errors);
        return TargetSelection.Select(settings!, members, statuses, new Random(seed));
    }

    [Fact]
    public void One_picks_a_single_member() => Assert.Single(Select("{ mode: One }").Targets);

    [Fact]
    public void All_picks_every_member_of_the_role()
    {
        Assert.Equal(5, Select("{ mode: All }").Targets.Count);
        Assert.Equal([1L, 3, 4, 5], Select("{ mode: All, role: Follower }").Targets.Select(t => t.NodeId));
    }

    [Fact]
    public void Leader_role_picks_the_leader() => Assert.Equal(2, Assert.Single(Select("{ mode: One, role: Leader }").Targets).NodeId);

    [Fact]
    public void Fixed_picks_exactly_n_and_refuses_more_than_exist()
    {
        Assert.Equal(3, Select("{ mode: Fixed, value: 3 }").Targets.Count);
        Assert.Equal("mode Fixed asks for 5 targets but only 4 member(s) match role Follower", Select("{ mode: Fixed, value: 5, role: Follower }").Error);
    }

    [Fact]
    public void FixedPercent_rounds_down_but_picks_at_least_one()
    {
        Assert.Equal(2, Select("{ mode: FixedPercent, value: 40 }").Targets.Count);
        Assert.Single(Select("{ mode: FixedPercent, value: 10 }").Targets);
    }

    [Fact]
    public void RandomMaxPercent_stays_within_its_bound_and_depends_on_the_seed()
    {
        var counts = Enumerable.Range(0, 40).Select(seed => Select("{ mode: RandomMaxPercent, value: 60 }", seed: seed).Targets.Count).ToList();
        Assert.All(counts, c => Assert.InRange(c, 1, 3));
        Assert.True(counts.Distinct().Count() > 1, "different seeds pick different counts");
        Assert.Equal(Select("{ mode: RandomMaxPercent, value: 60 }", seed: 9).Targets.Select(t => t.NodeId), Select("{ mode: RandomMaxPercent, value: 60 }", seed: 9).Targets.Select(t => t.NodeId));
    }

    [Fact]
    public void Explicit_pods_win_and_a_missing_pod_is_named()
    {
        Assert.Equal([1L, 4], Select("{ pods: [c-3, c-0], role: Leader }").Targets.Select(t => t.NodeId));
        Assert.Equal("pod(s) c-9 not found among c-0, c-1, c-2, c-3, c-4", Select("{ pods: [c-9] }").Error);
    }

    [Fact]
    public void A_role_without_a_leader_is_refused() =>
        Assert.Equal("role Follower needs a known leader and no member reports one", Select("{ role: Follower }", leader: 0).Error);

    [Fact]
    public async Task Explicit_groups_isolate_each_group_from_the_others()
    {
        var cluster = new FakeChaosCluster(5);
        var members = await cluster.MembersAsync(CancellationToken.None);
        var (settings, errors) = ChaosSettings.From(Experiments.Spec("action: Partition\nduration: 1s\npartition: { direction: To, groups: [ { pods: [c-0, c-1] }, { pods: [c-2, c-3, c-4] } ] }"));
        Assert.Empty(errors);
        var plan = FaultPlan.For(settings!, [], members);

        Assert.Equal(5, plan.Count);
        Assert.Equal([3UL, 4, 5], plan[1][0].Isolate.PeerNodeIds);
        Assert.Equal([1UL, 2], plan[4][0].Isolate.PeerNodeIds);
        Assert.All(plan.Values, f => Assert.Equal(FaultDirection.Inbound, f[0].Isolate.Direction));
    }
}

namespace Raftex.Raft.Tests;

/// <summary>Recovery from a permanently lost majority: the survivor keeps its whole log and continues alone.</summary>
public sealed class ForceNewClusterTests
{
    private static readonly long[] Three = [1, 2, 3];

    /// <summary>
    /// Node 3 holds "b", acknowledged by the leader (committed with 1 and 3), but never learned that it committed;
    /// then nodes 1 and 2 are lost.
    /// </summary>
    private static (FakeNetwork Net, long BIndex) SurvivorWithUnlearnedCommit()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Propose(1, "a");
        var commitBefore = net[3].Status.Commit;
        net.DropIf = m => m.To == 2 || (m.From == 1 && m.To == 3 && m.Commit > commitBefore);
        var b = net.Propose(1, "b");
        Assert.True(b.Accepted);
        Assert.Equal(b.Index, net[1].Status.Commit);
        Assert.Equal(b.Index, net[3].Status.LastIndex);
        Assert.True(net[3].Status.Commit < b.Index);
        net.Crash(1);
        net.Crash(2);
        net.Heal();
        return (net, b.Index);
    }

    [Fact]
    public void Survivor_commits_its_whole_log_and_leads_alone()
    {
        var (net, bIndex) = SurvivorWithUnlearnedCommit();
        net.TickAll(50);
        Assert.NotEqual(RaftRole.Leader, net[3].Role);
        var termBefore = net[3].Term;

        var (index, lastBefore, commitBefore) = net[3].ForceNewCluster();
        net.Stabilize();

        Assert.Equal(bIndex, lastBefore);
        Assert.True(commitBefore < bIndex);
        Assert.True(index > lastBefore);
        Assert.Equal(RaftRole.Leader, net[3].Role);
        Assert.True(net[3].Term > termBefore);
        Assert.Equal([3L], net[3].ConfState.Voters);
        Assert.Empty(net[3].ConfState.Learners);
        Assert.Equal(["a", "b"], net.Peers[3].State);
        Assert.Equal(index, net[3].Status.Commit);

        var c = net.Propose(3, "c");
        Assert.True(c.Accepted);
        Assert.Equal(["a", "b", "c"], net.Peers[3].State);
    }

    [Fact]
    public void The_forced_membership_survives_a_restart_and_new_members_join_through_the_learner_path()
    {
        var (net, _) = SurvivorWithUnlearnedCommit();
        net[3].ForceNewCluster();
        net.Stabilize();
        net.Propose(3, "c");

        net.Crash(3);
        net.Restart(3);
        net.TickAll(30);
        Assert.Equal(RaftRole.Leader, net[3].Role);
        Assert.Equal([3L], net[3].ConfState.Voters);
        Assert.Equal(["a", "b", "c"], net.Peers[3].State);

        // A replacement for a lost member comes with an empty log and joins as a learner, replaying the forced change.
        net.AddEmptyPeer(4);
        Assert.True(net[3].ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4)).Accepted);
        net.Stabilize();
        net.TickAll(3);
        Assert.True(net[3].ProposeConfChange(new ConfChange(ConfChangeType.PromoteLearner, 4)).Accepted);
        net.Stabilize();
        net.TickAll(3);
        Assert.Equal(["a", "b", "c"], net.Peers[4].State);
        Assert.Equal([3L, 4], net[4].ConfState.Voters.Order());
        Assert.Equal([3L, 4], net[3].ConfState.Voters.Order());
        Assert.True(net.Propose(3, "d").Accepted);
        Assert.Equal(["a", "b", "c", "d"], net.Peers[4].State);
        net.AssertStateMachinesAgree();
    }

    [Fact]
    public void A_leader_refuses_to_force_a_new_cluster()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var error = Assert.Throws<InvalidOperationException>(() => net[1].ForceNewCluster());
        Assert.Contains("quorum is not lost", error.Message, StringComparison.Ordinal);
        Assert.Equal([1L, 2, 3], net[1].ConfState.Voters.Order());
    }
}

using System.Text;

namespace Raftex.Raft.Tests;

/// <summary>Thesis §4.1 single-server membership changes and §4.2.1 learners (non-voting members).</summary>
public sealed class MembershipTests
{
    private static readonly long[] Three = [1, 2, 3];

    [Fact]
    public void Learner_receives_the_log_but_is_not_counted_for_commit()
    {
        var net = new FakeNetwork([1, 2], learners: [3]).Elect(1);
        net.Propose(1, "a");
        Assert.Equal(["a"], net.Peers[3].State);

        net.Isolate(2);
        net.Propose(1, "b");
        Assert.Equal(4, net[3].Status.LastIndex);
        Assert.Equal(3, net[1].Status.Commit);
    }

    [Fact]
    public void Learner_never_campaigns()
    {
        var net = new FakeNetwork([1, 2], learners: [3]);
        net.Crash(1);
        net.Crash(2);
        net.Tick(3, 100);
        Assert.Equal(RaftRole.Follower, net[3].Role);
        Assert.Equal(1, net[3].Term);
        net[3].Campaign();
        Assert.Equal(RaftRole.Follower, net[3].Role);
    }

    [Fact]
    public void New_node_joins_as_learner_then_is_promoted_to_voter()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Propose(1, "before");
        net.AddEmptyPeer(4);
        Assert.True(net[1].ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4)).Accepted);
        net.Stabilize();
        net.TickAll(3);
        Assert.Equal(["before"], net.Peers[4].State);
        Assert.True(net[4].ConfState.IsLearner(4));

        Assert.True(net[1].ProposeConfChange(new ConfChange(ConfChangeType.PromoteLearner, 4)).Accepted);
        net.Stabilize();
        net.TickAll(2);
        foreach (var peer in net.Peers.Values)
        {
            Assert.Equal([1L, 2, 3, 4], peer.Node.ConfState.Voters.Order());
            Assert.Empty(peer.Node.ConfState.Learners);
        }

        // With four voters a commit needs three: two down blocks it.
        net.Crash(3);
        net.Crash(4);
        var index = net.Propose(1, "after").Index;
        Assert.True(net[1].Status.Commit < index);
    }

    [Fact]
    public void Conf_change_is_refused_while_another_is_pending()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Isolate(1);
        Assert.True(net[1].ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4)).Accepted);
        var second = net[1].ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 5));
        Assert.Equal(ProposeDropReason.ConfChangePending, second.Reason);

        net.Heal();
        net.TickAll(2);
        Assert.True(net[1].ConfState.IsLearner(4));
        Assert.True(net[1].ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 5)).Accepted);
    }

    [Fact]
    public void Conf_change_is_refused_until_the_leader_commits_an_entry_of_its_term()
    {
        var raw = new RawNode(1, Three);
        raw.BecomeLeader([2, 3], commitNoop: false);
        var refused = raw.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4));
        Assert.Equal(ProposeDropReason.NoCommitInTerm, refused.Reason);

        raw.Step(new Message(MessageType.AppendResponse, 2, 1, raw.Node.Term) { Index = raw.Node.Status.LastIndex });
        raw.Drain();
        Assert.True(raw.Node.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 4)).Accepted);
    }

    [Fact]
    public void Invalid_conf_changes_are_refused_at_proposal_and_at_apply()
    {
        var net = new FakeNetwork(Three).Elect(1);
        Assert.Equal(ProposeDropReason.InvalidConfChange, net[1].ProposeConfChange(new ConfChange(ConfChangeType.PromoteLearner, 2)).Reason);
        Assert.Equal(ProposeDropReason.InvalidConfChange, net[1].ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 3)).Reason);
        Assert.Equal(ProposeDropReason.InvalidConfChange, net[1].ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 7)).Reason);
        Assert.Equal(ProposeDropReason.InvalidConfChange, net[1].ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, 0)).Reason);
        var ex = Assert.Throws<ArgumentException>(() => net[2].ApplyConfChange(new ConfChange(ConfChangeType.RemoveNode, 0)));
        Assert.Contains("positive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Applying_the_same_change_twice_is_harmless()
    {
        var raw = new RawNode(1, Three);
        var once = raw.Node.ApplyConfChange(new ConfChange(ConfChangeType.AddLearner, 4));
        var twice = raw.Node.ApplyConfChange(new ConfChange(ConfChangeType.AddLearner, 4));
        Assert.True(once.SameMembers(twice));
        Assert.Equal([4L], twice.Learners);
    }

    [Fact]
    public void Replaying_older_changes_over_a_later_membership_leaves_it_unchanged()
    {
        // A restart from storage whose membership already includes the promotion replays the add.
        var raw = new RawNode(1, [1, 2, 3, 4]);
        var after = raw.Node.ApplyConfChange(new ConfChange(ConfChangeType.AddLearner, 4));
        after = raw.Node.ApplyConfChange(new ConfChange(ConfChangeType.PromoteLearner, 4));
        Assert.Equal([1L, 2, 3, 4], after.Voters);
        Assert.Empty(after.Learners);
    }

    [Fact]
    public void Removing_a_follower_shrinks_the_quorum_and_stops_replication_to_it()
    {
        var net = new FakeNetwork(Three).Elect(1);
        Assert.True(net[1].ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 3)).Accepted);
        net.Stabilize();
        Assert.Equal([1L, 2], net[1].ConfState.Voters);
        Assert.False(net[1].Status.Progress.ContainsKey(3));

        net.Sent.Clear();
        net.Propose(1, "x");
        net.TickAll(3);
        Assert.DoesNotContain(net.Sent, m => m.To == 3 && m.From == 1);
        Assert.Equal(["x"], net.Peers[2].State);
    }

    [Fact]
    public void Removing_the_leader_makes_it_step_down_once_applied_and_the_rest_elect_a_new_one()
    {
        var net = new FakeNetwork(Three).Elect(1);
        Assert.True(net[1].ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 1)).Accepted);
        net.Stabilize();
        Assert.Equal(RaftRole.Follower, net[1].Role);
        Assert.Equal(ProposeDropReason.Removed, net[1].Propose(Encoding.UTF8.GetBytes("x")).Reason);

        net.TickAll(40);
        var leader = net.Leader();
        Assert.NotNull(leader);
        Assert.NotEqual(1, leader);
        Assert.True(net.Propose(leader.Value, "after").Accepted);
        net.Stabilize();
        Assert.Equal(["after"], net.Peers[leader.Value].State);
    }

    [Fact]
    public void Removed_node_sends_nothing()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net[1].ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 1));
        net.Stabilize();
        net.Sent.Clear();
        net.TickAll(60);
        net[1].Campaign();
        net[1].ReadIndex(new byte[] { 1 });
        net.Stabilize();
        Assert.DoesNotContain(net.Sent, m => m.From == 1);
    }

    [Fact]
    public void Removed_learner_no_longer_receives_entries()
    {
        var net = new FakeNetwork(Three, learners: [4]).Elect(1);
        Assert.True(net[1].ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, 4)).Accepted);
        net.Stabilize();
        var before = net[4].Status.LastIndex;
        net.Propose(1, "x");
        net.TickAll(3);
        Assert.Equal(before, net[4].Status.LastIndex);
    }

    [Fact]
    public void Node_does_not_campaign_with_a_committed_but_unapplied_conf_change()
    {
        var raw = new RawNode(1, Three, new NodeOptions(PreVote: false, CheckQuorum: false));
        var cc = new ConfChange(ConfChangeType.AddLearner, 4);
        raw.ReceiveAppend(2, 2, 1, 1, 2, new Entry(2, 2, EntryType.ConfChange, cc.Encode()));
        // Persist but do not apply (the app is slow): the committed change is pending.
        var ready = raw.Node.GetReady();
        raw.Storage.Append(ready.Entries);
        raw.Node.Advance(new Ready { Entries = ready.Entries });
        raw.Node.Campaign();
        Assert.Equal(RaftRole.Follower, raw.Node.Role);
    }
}

using System.Text;

namespace Raftex.Raft.Tests;

/// <summary>Thesis §3.10 leadership transfer.</summary>
public sealed class TransferTests
{
    private static readonly long[] Three = [1, 2, 3];

    [Fact]
    public void Transfer_to_an_up_to_date_follower_makes_it_leader()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var term = net[1].Term;
        net[1].TransferLeadership(2);
        net.Stabilize();
        Assert.Equal(RaftRole.Leader, net[2].Role);
        Assert.Equal(term + 1, net[2].Term);
        Assert.Equal(2, net[1].Lead);
        Assert.Equal(2, net[3].Lead);
    }

    [Fact]
    public void Transfer_sends_TimeoutNow_only_once_the_target_is_caught_up()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Crash(3);
        for (var i = 0; i < 5; i++)
        {
            net.Propose(1, $"v{i}");
        }

        net.Restart(3);
        net.Sent.Clear();
        net[1].TransferLeadership(3);
        net.Stabilize();
        var timeoutNow = net.Sent.FindIndex(m => m.Type == MessageType.TimeoutNow);
        var lastAppendTo3 = net.Sent.FindLastIndex(m => m.Type == MessageType.Append && m.To == 3 && m.Entries.Count > 0);
        Assert.True(lastAppendTo3 >= 0 && timeoutNow > lastAppendTo3, "TimeoutNow must follow the catch-up appends");
        Assert.Equal(RaftRole.Leader, net[3].Role);
        Assert.Equal(5, net.Peers[3].State.Count);
    }

    [Fact]
    public void Proposals_are_dropped_while_a_transfer_is_in_progress()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Isolate(3);
        net[1].TransferLeadership(3);
        net.Stabilize();
        Assert.Equal(3, net[1].Status.LeadTransferee);
        var result = net[1].Propose(Encoding.UTF8.GetBytes("x"));
        Assert.Equal(ProposeDropReason.TransferInProgress, result.Reason);
    }

    [Fact]
    public void Transfer_is_abandoned_after_an_election_timeout()
    {
        var net = new FakeNetwork(Three, new NodeOptions(CheckQuorum: false)).Elect(1);
        net.Isolate(3);
        net[1].TransferLeadership(3);
        net.Stabilize();
        net.Tick(1, 9);
        Assert.Equal(3, net[1].Status.LeadTransferee);
        net.Tick(1, 1);
        Assert.Equal(0, net[1].Status.LeadTransferee);
        Assert.Equal(RaftRole.Leader, net[1].Role);
        Assert.True(net[1].Propose(Encoding.UTF8.GetBytes("x")).Accepted);
    }

    [Fact]
    public void Transfer_campaign_bypasses_prevote_and_the_voters_lease()
    {
        // Followers heard from the leader a moment ago (lease), yet vote for the transfer target.
        var net = new FakeNetwork(Three, new NodeOptions(PreVote: true, CheckQuorum: true)).Elect(1);
        net.TickAll(1);
        net.Sent.Clear();
        net[1].TransferLeadership(2);
        net.Stabilize();
        Assert.DoesNotContain(net.Sent, m => m.Type == MessageType.PreVote);
        Assert.Contains(net.Sent, m => m.Type == MessageType.Vote && m.Transfer);
        Assert.Equal(RaftRole.Leader, net[2].Role);
    }

    [Fact]
    public void Voter_in_lease_grants_a_vote_marked_as_transfer()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 1, 1, 1, 1);
        raw.Drain();
        raw.Step(new Message(MessageType.Vote, 3, 1, 2) { Index = 1, LogTerm = 1, Transfer = true });
        var vote = raw.Drain().Single(m => m.Type == MessageType.VoteResponse);
        Assert.False(vote.Reject);
        Assert.Equal(3, raw.Node.Vote);
    }

    [Fact]
    public void Transfer_to_a_learner_or_unknown_node_is_ignored()
    {
        var net = new FakeNetwork(Three, learners: [4]).Elect(1);
        net[1].TransferLeadership(4);
        net[1].TransferLeadership(9);
        Assert.Equal(0, net[1].Status.LeadTransferee);
        net.TickAll(30);
        Assert.Equal(RaftRole.Leader, net[1].Role);
    }

    [Fact]
    public void Follower_forwards_a_transfer_request_to_its_leader()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net[3].TransferLeadership(3);
        net.Stabilize();
        Assert.Equal(RaftRole.Leader, net[3].Role);
    }
}

namespace Raftex.Raft.Tests;

/// <summary>Thesis §9.6 pre-vote, §4.2.3 leader lease, §6.2 check-quorum.</summary>
public sealed class PreVoteAndCheckQuorumTests
{
    private static readonly long[] Three = [1, 2, 3];

    [Fact]
    public void PreVote_partitioned_node_does_not_bump_its_term()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var term = net[3].Term;
        net.Isolate(3);
        net.TickAll(100);
        Assert.Equal(term, net[3].Term);
        Assert.Equal(RaftRole.PreCandidate, net[3].Role);
    }

    [Fact]
    public void PreVote_rejoining_node_does_not_depose_a_healthy_leader()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var term = net[1].Term;
        net.Isolate(3);
        net.TickAll(100);
        net.Heal();
        net.TickAll(30);
        Assert.Equal(RaftRole.Leader, net[1].Role);
        Assert.Equal(term, net[1].Term);
        Assert.Equal(1, net[3].Lead);
        Assert.Equal(term, net[3].Term);
    }

    [Fact]
    public void Without_prevote_or_lease_a_rejoining_node_disrupts_the_leader()
    {
        // The contrast case: it shows what the two rules above protect against.
        var net = new FakeNetwork(Three, new NodeOptions(PreVote: false, CheckQuorum: false)).Elect(1);
        var term = net[1].Term;
        net.Isolate(3);
        net.TickAll(100);
        Assert.True(net[3].Term > term + 1);
        net.Heal();
        net.TickAll(25);
        Assert.True(net[1].Term > term + 1);
    }

    [Fact]
    public void PreVote_grant_changes_neither_term_nor_vote_of_the_voter()
    {
        var raw = new RawNode(1, Three);
        raw.Step(new Message(MessageType.PreVote, 2, 1, 2) { Index = 1, LogTerm = 1 });
        var response = raw.Drain().Single();
        Assert.Equal(MessageType.PreVoteResponse, response.Type);
        Assert.False(response.Reject);
        Assert.Equal(2, response.Term);
        Assert.Equal(1, raw.Node.Term);
        Assert.Equal(0, raw.Node.Vote);
    }

    [Fact]
    public void PreCandidate_only_bumps_its_term_after_a_majority_of_prevotes()
    {
        var raw = new RawNode(1, Three);
        raw.Node.Campaign();
        Assert.Equal(RaftRole.PreCandidate, raw.Node.Role);
        var preVotes = raw.Drain();
        Assert.All(preVotes, m => Assert.Equal(MessageType.PreVote, m.Type));
        Assert.All(preVotes, m => Assert.Equal(2, m.Term));
        Assert.Equal(1, raw.Node.Term);
        raw.Step(new Message(MessageType.PreVoteResponse, 2, 1, 2));
        Assert.Equal(RaftRole.Candidate, raw.Node.Role);
        Assert.Equal(2, raw.Node.Term);
    }

    [Fact]
    public void Lease_follower_that_heard_from_its_leader_rejects_votes_and_prevotes()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 1, 1, 1, 1);
        raw.Drain();
        raw.Step(new Message(MessageType.Vote, 3, 1, 2) { Index = 1, LogTerm = 1 });
        raw.Step(new Message(MessageType.PreVote, 3, 1, 2) { Index = 1, LogTerm = 1 });
        var responses = raw.Drain();
        Assert.Equal(2, responses.Count);
        Assert.All(responses, r => Assert.True(r.Reject));
        Assert.All(responses, r => Assert.Equal(1, r.Term));
        Assert.Equal(1, raw.Node.Term);
        Assert.Equal(0, raw.Node.Vote);
        Assert.Equal(2, raw.Node.Lead);
    }

    [Fact]
    public void PreCandidate_rejected_by_a_majority_in_lease_returns_to_follower()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Sent.Clear();
        net[3].Campaign();
        Assert.Equal(RaftRole.PreCandidate, net[3].Role);
        net.Stabilize();

        // No heartbeat was sent (no tick): it gave up on the two rejections alone.
        Assert.DoesNotContain(net.Sent, m => m.Type == MessageType.Heartbeat);
        Assert.Equal(2, net.Sent.Count(m => m.Type == MessageType.PreVoteResponse && m.To == 3 && m.Reject));
        Assert.Equal(RaftRole.Follower, net[3].Role);
        Assert.Equal(RaftRole.Leader, net[1].Role);
        Assert.Equal(net[1].Term, net[3].Term);
    }

    [Fact]
    public void Lease_expires_after_an_election_timeout_without_the_leader()
    {
        var raw = new RawNode(1, Three, new NodeOptions(ElectionTicks: 10));
        raw.ReceiveAppend(2, 1, 1, 1, 1);
        raw.Drain();
        // Stay below our own randomized timeout (>= 10) but past the lease (10 ticks).
        for (var i = 0; i < 10; i++)
        {
            raw.Node.Tick();
        }

        raw.Step(new Message(MessageType.PreVote, 3, 1, 2) { Index = 1, LogTerm = 1 });
        var messages = raw.Drain().Where(m => m.Type == MessageType.PreVoteResponse).ToList();
        Assert.Single(messages);
        Assert.False(messages[0].Reject);
    }

    [Fact]
    public void Stale_prevote_is_rejected_with_the_current_term()
    {
        var raw = new RawNode(1, Three);
        raw.Step(new Message(MessageType.Vote, 2, 1, 5) { Index = 1, LogTerm = 1 });
        raw.Drain();
        raw.Step(new Message(MessageType.PreVote, 3, 1, 3) { Index = 1, LogTerm = 1 });
        var response = raw.Drain().Single();
        Assert.True(response.Reject);
        Assert.Equal(5, response.Term);
    }

    [Fact]
    public void CheckQuorum_leader_steps_down_when_it_loses_quorum()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Isolate(1);
        net.Tick(1, 21);
        Assert.Equal(RaftRole.Follower, net[1].Role);
        Assert.Equal(0, net[1].Lead);
    }

    [Fact]
    public void CheckQuorum_leader_with_an_active_majority_keeps_leading()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var term = net[1].Term;
        net.Isolate(3);
        net.TickAll(100);
        Assert.Equal(RaftRole.Leader, net[1].Role);
        Assert.Equal(term, net[1].Term);
    }

    [Fact]
    public void Majority_side_elects_a_new_leader_and_the_stale_one_steps_down_on_rejoin()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var oldTerm = net[1].Term;
        net.Isolate(1);
        net.TickAll(60);
        var leader = net.Leader();
        Assert.NotNull(leader);
        Assert.NotEqual(1, leader);
        net.Heal();
        net.TickAll(5);
        Assert.Equal(RaftRole.Follower, net[1].Role);
        Assert.True(net[1].Term > oldTerm);
        Assert.Equal(leader, net[1].Lead);
    }

    [Fact]
    public void Stale_leaders_append_is_rejected_with_the_newer_term()
    {
        var raw = new RawNode(1, Three);
        raw.Step(new Message(MessageType.Vote, 2, 1, 5) { Index = 1, LogTerm = 1 });
        raw.Drain();
        raw.ReceiveAppend(3, 4, 1, 1, 1, RawNode.E(2, 4));
        var response = raw.Drain().Single();
        Assert.Equal(MessageType.AppendResponse, response.Type);
        Assert.Equal(5, response.Term);
        Assert.Equal(1, raw.Node.Status.LastIndex);

        // The stale leader, hearing the newer term, steps down.
        var stale = new RawNode(3, Three, new NodeOptions(PreVote: false));
        stale.BecomeLeader([2]);
        stale.Step(response with { To = 3 });
        Assert.Equal(RaftRole.Follower, stale.Node.Role);
        Assert.Equal(5, stale.Node.Term);
    }
}

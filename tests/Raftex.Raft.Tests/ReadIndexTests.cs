namespace Raftex.Raft.Tests;

/// <summary>Thesis §6.4 ReadIndex: linearizable reads without writing to the log.</summary>
public sealed class ReadIndexTests
{
    private static readonly long[] Three = [1, 2, 3];

    [Fact]
    public void ReadIndex_on_the_leader_returns_the_commit_index_after_a_quorum_heartbeat()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Propose(1, "a");
        var commit = net[1].Status.Commit;
        var lastBefore = net[1].Status.LastIndex;
        net.Sent.Clear();
        net[1].ReadIndex(new byte[] { 42 });
        net.Stabilize();
        var state = Assert.Single(net.Peers[1].ReadStates);
        Assert.Equal(commit, state.Index);
        Assert.Equal([42], state.RequestContext.ToArray());
        Assert.Contains(net.Sent, m => m.Type == MessageType.Heartbeat && m.Context.Span.SequenceEqual(new byte[] { 42 }));
        Assert.Equal(lastBefore, net[1].Status.LastIndex);
    }

    [Fact]
    public void ReadIndex_is_not_confirmed_without_a_quorum()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Isolate(1);
        net[1].ReadIndex(new byte[] { 1 });
        net.Stabilize();
        Assert.Empty(net.Peers[1].ReadStates);
    }

    [Fact]
    public void ReadIndex_confirmed_by_one_follower_is_enough_in_three()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Isolate(3);
        net[1].ReadIndex(new byte[] { 1 });
        net.Stabilize();
        Assert.Single(net.Peers[1].ReadStates);
    }

    [Fact]
    public void ReadIndex_on_a_follower_is_forwarded_to_the_leader()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Propose(1, "a");
        net.Sent.Clear();
        net[2].ReadIndex(new byte[] { 9, 9 });
        net.Stabilize();
        Assert.Contains(net.Sent, m => m.Type == MessageType.ReadIndex && m.From == 2 && m.To == 1);
        var state = Assert.Single(net.Peers[2].ReadStates);
        Assert.Equal(net[1].Status.Commit, state.Index);
        Assert.Equal([9, 9], state.RequestContext.ToArray());
    }

    [Fact]
    public void ReadIndex_waits_until_the_leader_has_committed_an_entry_of_its_term()
    {
        var raw = new RawNode(1, Three);
        raw.BecomeLeader([2, 3], commitNoop: false);
        raw.Node.ReadIndex(new byte[] { 5 });
        var messages = raw.Drain();
        Assert.DoesNotContain(messages, m => m.Type == MessageType.Heartbeat && !m.Context.IsEmpty);
        Assert.All(raw.Readies, r => Assert.Empty(r.ReadStates));

        raw.Step(new Message(MessageType.AppendResponse, 2, 1, raw.Node.Term) { Index = raw.Node.Status.LastIndex });
        messages = raw.Drain();
        var heartbeat = messages.First(m => m.Type == MessageType.Heartbeat && !m.Context.IsEmpty);
        raw.Step(new Message(MessageType.HeartbeatResponse, heartbeat.To, 1, raw.Node.Term) { Context = heartbeat.Context });
        raw.Drain();
        var state = Assert.Single(raw.Readies.SelectMany(r => r.ReadStates));
        Assert.Equal(raw.Node.Status.Commit, state.Index);
    }

    [Fact]
    public void Later_quorum_ack_confirms_earlier_read_requests_too()
    {
        var raw = new RawNode(1, Three);
        raw.BecomeLeader([2, 3]);
        raw.Node.ReadIndex(new byte[] { 1 });
        raw.Node.ReadIndex(new byte[] { 2 });
        raw.Drain();
        raw.Step(new Message(MessageType.HeartbeatResponse, 2, 1, raw.Node.Term) { Context = new byte[] { 2 } });
        raw.Drain();
        var states = raw.Readies.SelectMany(r => r.ReadStates).ToList();
        Assert.Equal(2, states.Count);
        Assert.Equal([1], states[0].RequestContext.ToArray());
        Assert.Equal([2], states[1].RequestContext.ToArray());
    }

    [Fact]
    public void Learner_acks_do_not_confirm_a_read()
    {
        var raw = new RawNode(1, Three, learners: [4]);
        raw.BecomeLeader([2, 3]);
        raw.Node.ReadIndex(new byte[] { 1 });
        raw.Drain();
        raw.Step(new Message(MessageType.HeartbeatResponse, 4, 1, raw.Node.Term) { Context = new byte[] { 1 } });
        raw.Drain();
        Assert.Empty(raw.Readies.SelectMany(r => r.ReadStates));
    }

    [Fact]
    public void Single_voter_answers_ReadIndex_at_once()
    {
        var net = new FakeNetwork([1]).Elect(1);
        net[1].ReadIndex(new byte[] { 3 });
        net.Stabilize();
        Assert.Equal(net[1].Status.Commit, Assert.Single(net.Peers[1].ReadStates).Index);
    }

    [Fact]
    public void ReadIndex_requires_a_request_context()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var ex = Assert.Throws<ArgumentException>(() => net[1].ReadIndex(ReadOnlyMemory<byte>.Empty));
        Assert.Equal("requestContext", ex.ParamName);
    }

    [Fact]
    public void Pending_reads_are_dropped_when_leadership_is_lost()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Isolate(1);
        net[1].ReadIndex(new byte[] { 1 });
        net.Stabilize();
        net.TickAll(60);
        net.Heal();
        net.TickAll(10);
        Assert.Empty(net.Peers[1].ReadStates);
    }
}

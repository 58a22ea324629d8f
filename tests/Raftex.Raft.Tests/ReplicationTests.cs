using System.Text;

namespace Raftex.Raft.Tests;

/// <summary>§5.3 log replication, flow control, and thesis §10.2.1 (leader writes its disk in parallel).</summary>
public sealed class ReplicationTests
{
    private static readonly long[] Three = [1, 2, 3];

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Proposal_is_replicated_committed_and_applied_everywhere()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var result = net.Propose(1, "order-1");
        Assert.True(result.Accepted);
        Assert.Equal(3, result.Index);
        Assert.Equal(net[1].Term, result.Term);
        foreach (var peer in net.Peers.Values)
        {
            Assert.Equal(["order-1"], peer.State);
            Assert.Equal(3, peer.Node.Status.Commit);
        }
    }

    [Fact]
    public void Leader_appends_an_empty_noop_entry_of_its_term_on_election()
    {
        var net = new FakeNetwork(Three).Elect(2);
        var entry = net.Peers[3].Storage.Entries(2, 3, long.MaxValue).Single();
        Assert.Equal(net[2].Term, entry.Term);
        Assert.True(entry.Data.IsEmpty);
        Assert.Equal(2, net[3].Status.Commit);
    }

    [Fact]
    public void Follower_drops_proposals()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var result = net[2].Propose(B("x"));
        Assert.False(result.Accepted);
        Assert.Equal(ProposeDropReason.NotLeader, result.Reason);
    }

    [Fact]
    public void Follower_rejects_an_append_whose_previous_entry_does_not_match()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2));
        raw.Drain();
        raw.ReceiveAppend(2, 2, 2, 1, 1, RawNode.E(3, 2));
        var response = raw.Drain().Single();
        Assert.True(response.Reject);
        Assert.Equal(2, response.Index);
        Assert.Equal(2, raw.Node.Status.LastIndex);
    }

    [Fact]
    public void Follower_rejects_an_append_beyond_its_log()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 5, 2, 1, RawNode.E(6, 2));
        var response = raw.Drain().Single();
        Assert.True(response.Reject);
        Assert.Equal(1, response.RejectHint);
    }

    [Fact]
    public void Follower_replaces_a_conflicting_uncommitted_suffix()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2, "a"), RawNode.E(3, 2, "b"), RawNode.E(4, 2, "c"));
        raw.Drain();
        raw.ReceiveAppend(3, 3, 2, 2, 1, RawNode.E(3, 3, "B"));
        raw.Drain();
        Assert.Equal(3, raw.Node.Status.LastIndex);
        Assert.Equal(3, raw.Storage.LastIndex());
        Assert.Equal(3, raw.Storage.Term(3));
        var stored = raw.Storage.Entries(3, 4, long.MaxValue).Single();
        Assert.Equal("B", Encoding.UTF8.GetString(stored.Data.Span));
    }

    [Fact]
    public void Ready_entries_starting_inside_the_stored_log_tell_the_app_to_truncate()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2), RawNode.E(3, 2));
        raw.Drain();
        raw.ReceiveAppend(3, 3, 1, 1, 1, RawNode.E(2, 3));
        var ready = raw.Node.GetReady();
        Assert.Equal(2, ready.Entries[0].Index);
        Assert.True(ready.Entries[0].Index <= raw.Storage.LastIndex());
        raw.Storage.Append(ready.Entries);
        raw.Node.Advance(ready);
        Assert.Equal(2, raw.Storage.LastIndex());
    }

    [Fact]
    public void Never_truncates_a_committed_entry_and_fails_loudly_if_asked()
    {
        var storage = MemoryStorage.Bootstrap(Three);
        var log = new RaftLog(storage, 1 << 20);
        log.SetRestartPoint(1, 1);
        Assert.Equal(3, log.MaybeAppend(1, 1, 3, [RawNode.E(2, 2), RawNode.E(3, 2)]));
        Assert.Equal(3, log.Committed);
        var ex = Assert.Throws<InvalidOperationException>(() => log.MaybeAppend(1, 1, 3, [RawNode.E(2, 3)]));
        Assert.Contains("committed", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => log.Append([RawNode.E(3, 4)]));
    }

    [Fact]
    public void Commit_index_never_decreases()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 3, RawNode.E(2, 2), RawNode.E(3, 2));
        raw.Drain();
        Assert.Equal(3, raw.Node.Status.Commit);
        raw.ReceiveAppend(2, 2, 3, 2, 1);
        raw.Step(new Message(MessageType.Heartbeat, 2, 1, 2) { Commit = 2 });
        raw.Drain();
        Assert.Equal(3, raw.Node.Status.Commit);
    }

    [Fact]
    public void Append_below_the_commit_index_is_answered_with_the_commit_index()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 3, RawNode.E(2, 2), RawNode.E(3, 2));
        raw.Drain();
        raw.ReceiveAppend(2, 2, 1, 1, 3, RawNode.E(2, 2));
        var response = raw.Drain().Single();
        Assert.False(response.Reject);
        Assert.Equal(3, response.Index);
    }

    [Fact]
    public void Follower_commit_is_capped_at_the_last_entry_it_got_from_this_leader()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 10, RawNode.E(2, 2));
        raw.Drain();
        Assert.Equal(2, raw.Node.Status.Commit);
    }

    [Fact]
    public void Leader_does_not_commit_an_older_term_entry_by_counting_replicas_figure_8()
    {
        // Node 1 holds an uncommitted entry of term 2 at index 2, then wins term 3.
        var raw = new RawNode(1, Three, new NodeOptions(PreVote: false));
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2));
        raw.Drain();
        raw.BecomeLeader([3], commitNoop: false);
        Assert.Equal(3, raw.Node.Status.LastIndex);

        // A majority (1 and 3) now holds index 2, but it is from term 2: no commit.
        raw.Step(new Message(MessageType.AppendResponse, 3, 1, raw.Node.Term) { Index = 2 });
        raw.Drain();
        Assert.Equal(1, raw.Node.Status.Commit);

        // Once the current-term no-op is on a majority, both commit.
        raw.Step(new Message(MessageType.AppendResponse, 3, 1, raw.Node.Term) { Index = 3 });
        raw.Drain();
        Assert.Equal(3, raw.Node.Status.Commit);
    }

    [Fact]
    public void Leader_sends_appends_before_its_own_write_is_durable()
    {
        var raw = new RawNode(1, Three);
        raw.BecomeLeader([2, 3]);
        raw.Node.Propose(B("x"));
        var ready = raw.Node.GetReady();
        Assert.Single(ready.Entries);
        Assert.Equal(2, ready.Messages.Count(m => m.Type == MessageType.Append && m.Entries.Count == 1));
        Assert.Empty(ready.MessagesAfterPersist);
        raw.Storage.Append(ready.Entries);
        raw.Node.Advance(ready);
    }

    [Fact]
    public void Leader_counts_itself_toward_the_quorum_only_after_advance()
    {
        var raw = new RawNode(1, Three);
        raw.BecomeLeader([2, 3]);
        var index = raw.Node.Propose(B("x")).Index;
        var ready = raw.Node.GetReady();

        // One follower acks while the leader's own write is still in flight: 1 of 3 is not a quorum.
        raw.Step(new Message(MessageType.AppendResponse, 2, 1, raw.Node.Term) { Index = index });
        Assert.Equal(index - 1, raw.Node.Status.Commit);

        raw.Storage.Append(ready.Entries);
        raw.Node.Advance(ready);
        Assert.Equal(index, raw.Node.Status.Commit);
    }

    [Fact]
    public void Append_responses_leave_only_after_persist()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2));
        var ready = raw.Node.GetReady();
        Assert.True(ready.MustSync);
        Assert.Empty(ready.Messages);
        Assert.Single(ready.MessagesAfterPersist, m => m.Type == MessageType.AppendResponse);
        raw.Node.Advance(ready);
    }

    [Fact]
    public void Ready_without_new_entries_or_term_change_need_not_sync()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 1, 1, 1, 1);
        raw.Drain();
        raw.Step(new Message(MessageType.Heartbeat, 2, 1, 1) { Commit = 1 });
        var ready = raw.Node.GetReady();
        Assert.False(ready.MustSync);
        Assert.Single(ready.Messages, m => m.Type == MessageType.HeartbeatResponse);
        raw.Node.Advance(ready);
    }

    [Fact]
    public void GetReady_twice_without_advance_is_refused()
    {
        var raw = new RawNode(1, [1]);
        raw.Node.Campaign();
        raw.Node.GetReady();
        Assert.Throws<InvalidOperationException>(() => raw.Node.GetReady());
    }

    [Fact]
    public void Leader_batches_entries_up_to_max_size_per_message()
    {
        var options = new NodeOptions(MaxSizePerMessage: 3 * (24 + 10));
        var net = new FakeNetwork(Three, options).Elect(1);
        net.Cut(1, 2);
        for (var i = 0; i < 10; i++)
        {
            net.Propose(1, $"entry-{i:D4}");
        }

        net.Sent.Clear();
        net.Heal();
        net.TickAll(3);
        var appends = net.Sent.Where(m => m.Type == MessageType.Append && m.To == 2 && m.Entries.Count > 0).ToList();
        Assert.True(appends.Count >= 4, $"expected the backlog split in batches, got {appends.Count}");
        Assert.All(appends, m => Assert.True(m.Entries.Count <= 3));
        Assert.Equal(net.Peers[1].State, net.Peers[2].State);
    }

    [Fact]
    public void Probe_state_sends_one_append_until_the_follower_answers()
    {
        var raw = new RawNode(1, Three);
        raw.BecomeLeader([2], commitNoop: false);
        // Node 3 has never answered: it is in probe state with its one append outstanding.
        Assert.Equal(ProgressState.Probe, raw.Node.Status.Progress[3].State);
        raw.Node.Propose(B("a"));
        raw.Node.Propose(B("b"));
        var toThree = raw.Drain().Where(m => m.To == 3 && m.Type == MessageType.Append).ToList();
        Assert.Empty(toThree);

        // A heartbeat response unpauses the probe: exactly one append follows.
        raw.Step(new Message(MessageType.HeartbeatResponse, 3, 1, raw.Node.Term));
        Assert.Single(raw.Drain(), m => m.To == 3 && m.Type == MessageType.Append);
    }

    [Fact]
    public void Follower_moves_to_replicate_after_its_first_successful_ack()
    {
        var raw = new RawNode(1, Three);
        raw.BecomeLeader([2, 3]);
        Assert.Equal(ProgressState.Replicate, raw.Node.Status.Progress[2].State);
        Assert.Equal(raw.Node.Status.LastIndex, raw.Node.Status.Progress[2].Match);
    }

    [Fact]
    public void Leader_pipelines_up_to_max_inflight_appends_then_pauses()
    {
        var raw = new RawNode(1, Three, new NodeOptions(MaxInflightMessages: 4));
        raw.BecomeLeader([2, 3]);
        for (var i = 0; i < 10; i++)
        {
            raw.Node.Propose(B($"p{i}"));
        }

        var toTwo = raw.Drain().Where(m => m.To == 2 && m.Type == MessageType.Append && m.Entries.Count > 0).ToList();
        Assert.Equal(4, toTwo.Count);

        // Acknowledging the first two frees slots: the six waiting entries go out, batched.
        raw.Step(new Message(MessageType.AppendResponse, 2, 1, raw.Node.Term) { Index = toTwo[1].Entries[^1].Index });
        var more = raw.Drain().Where(m => m.To == 2 && m.Type == MessageType.Append && m.Entries.Count > 0).ToList();
        Assert.Single(more);
        Assert.Equal(6, more[0].Entries.Count);
    }

    [Fact]
    public void Follower_hints_the_last_index_whose_term_is_at_most_the_leaders_prev_term()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2), RawNode.E(3, 2), RawNode.E(4, 2), RawNode.E(5, 2));
        raw.Drain();
        // A leader of term 5 probes at index 5 claiming term 4: everything of term 2 can be skipped below that only if > 4.
        raw.ReceiveAppend(3, 5, 5, 4, 1);
        var response = raw.Drain().Single();
        Assert.True(response.Reject);
        Assert.Equal(5, response.RejectHint);
        Assert.Equal(2, response.LogTerm);
    }

    [Fact]
    public void Fast_backtracking_skips_a_whole_conflicting_term_in_one_round_trip()
    {
        // Follower 2 has a long uncommitted tail from term 2 that the new leader never saw.
        var net = new FakeNetwork(Three, new NodeOptions(PreVote: false, CheckQuorum: false)).Elect(2);
        net.Isolate(2);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(net[2].Propose(B($"lost-{i}")).Accepted);
        }

        net.Stabilize();
        net.Elect(1);
        Assert.Equal(RaftRole.Leader, net[1].Role);
        for (var i = 0; i < 5; i++)
        {
            net.Propose(1, $"kept-{i}");
        }

        // A fresh leader starts probing node 2 at its own last index, far inside node 2's stale term.
        net.Elect(3);
        Assert.Equal(RaftRole.Leader, net[3].Role);
        net.Sent.Clear();
        net.Heal();
        net.TickAll(3);
        var rejections = net.Sent.Count(m => m.Type == MessageType.AppendResponse && m.From == 2 && m.Reject);
        Assert.Equal(1, rejections);
        Assert.Equal(net.Peers[3].State, net.Peers[2].State);
        Assert.DoesNotContain(net.Peers[2].State, s => s.StartsWith("lost", StringComparison.Ordinal));
    }

    [Fact]
    public void Uncommitted_limit_drops_proposals_until_entries_commit()
    {
        var net = new FakeNetwork(Three, new NodeOptions(MaxUncommittedEntriesBytes: 10)).Elect(1);
        net.Isolate(1);
        Assert.True(net[1].Propose(B("12345678")).Accepted);
        var dropped = net[1].Propose(B("12345678"));
        Assert.Equal(ProposeDropReason.UncommittedLimit, dropped.Reason);
        net.Heal();
        net.Stabilize();
        net.TickAll(2);
        Assert.True(net[1].Propose(B("12345678")).Accepted);
    }

    [Fact]
    public void Lagging_follower_catches_up_from_its_match_point()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Crash(3);
        for (var i = 0; i < 20; i++)
        {
            net.Propose(1, $"v{i}");
        }

        net.Restart(3);
        net.TickAll(3);
        Assert.Equal(net.Peers[1].State, net.Peers[3].State);
        Assert.Equal(20, net.Peers[3].State.Count);
    }

    [Fact]
    public void Full_window_of_lost_appends_recovers_on_the_next_heartbeat_response()
    {
        var net = new FakeNetwork(Three, new NodeOptions(MaxInflightMessages: 2)).Elect(1);
        net.DropIf = m => m.Type == MessageType.Append && m.To == 3;
        for (var i = 0; i < 5; i++)
        {
            net.Propose(1, $"v{i}");
        }

        Assert.Equal(ProgressState.Replicate, net[1].Status.Progress[3].State);
        net.DropIf = null;
        net.TickAll(3);
        Assert.Equal(net.Peers[1].State, net.Peers[3].State);
        Assert.Equal(net[1].Status.LastIndex, net[1].Status.Progress[3].Match);
    }

    [Fact]
    public void Malformed_appends_are_dropped_without_touching_the_log()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(3, 2));
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2), RawNode.E(4, 2));
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 5));
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2), RawNode.E(3, 1));
        Assert.Empty(raw.Drain());
        Assert.Equal(1, raw.Node.Status.LastIndex);
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2), RawNode.E(3, 2));
        Assert.False(raw.Drain().Single().Reject);
        Assert.Equal(3, raw.Node.Status.LastIndex);
    }

    [Fact]
    public void Ack_beyond_the_leaders_log_is_ignored()
    {
        var raw = new RawNode(1, Three);
        raw.BecomeLeader([2, 3]);
        var before = raw.Node.Status;
        raw.Step(new Message(MessageType.AppendResponse, 2, 1, raw.Node.Term) { Index = 1000 });
        raw.Drain();
        Assert.Equal(before.Progress[2].Match, raw.Node.Status.Progress[2].Match);
        Assert.Equal(before.Commit, raw.Node.Status.Commit);
    }
}

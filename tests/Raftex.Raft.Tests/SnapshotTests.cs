namespace Raftex.Raft.Tests;

/// <summary>§7 log compaction and InstallSnapshot, sent in acknowledged chunks.</summary>
public sealed class SnapshotTests
{
    private static readonly long[] Three = [1, 2, 3];

    private static FakeNetwork CompactedWhileThreeWasDown(NodeOptions? options = null, int entries = 30)
    {
        var net = new FakeNetwork(Three, options).Elect(1);
        net.Crash(3);
        for (var i = 0; i < entries; i++)
        {
            net.Propose(1, $"value-{i:D3}");
        }

        net.CompactAt(1, net.Peers[1].AppliedIndex);
        net.Restart(3);
        return net;
    }

    [Fact]
    public void Follower_behind_the_leaders_first_index_is_caught_up_by_snapshot()
    {
        var net = CompactedWhileThreeWasDown();
        net.TickAll(3);
        var installed = Assert.Single(net.Peers[3].InstalledSnapshots);
        Assert.Equal(net.Peers[1].Storage.Snapshot().Metadata.Index, installed.Metadata.Index);
        Assert.Equal(net.Peers[1].State, net.Peers[3].State);

        net.Propose(1, "after");
        Assert.Equal(net.Peers[1].State, net.Peers[3].State);
        net.AssertStateMachinesAgree();
    }

    [Fact]
    public void Snapshot_is_sent_in_chunks_each_acknowledged()
    {
        var net = CompactedWhileThreeWasDown(new NodeOptions(SnapshotChunkBytes: 64));
        net.Sent.Clear();
        net.TickAll(3);
        var size = net.Peers[1].Storage.Snapshot().Data.Length;
        var expectedChunks = (size + 63) / 64;
        var chunks = net.Sent.Where(m => m.Type == MessageType.Snapshot).ToList();
        Assert.Equal(expectedChunks, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.SnapshotChunk.Length <= 64));
        Assert.Equal(expectedChunks - 1, net.Sent.Count(m => m.Type == MessageType.SnapshotResponse && !m.Reject));
        Assert.True(chunks[^1].SnapshotDone);
        Assert.Equal(net.Peers[1].State, net.Peers[3].State);
    }

    [Fact]
    public void Lost_snapshot_chunk_is_sent_again()
    {
        var net = CompactedWhileThreeWasDown(new NodeOptions(SnapshotChunkBytes: 64));
        var lost = false;
        net.DropIf = m =>
        {
            if (!lost && m.Type == MessageType.Snapshot && m.SnapshotOffset == 128)
            {
                lost = true;
                return true;
            }

            return false;
        };
        net.TickAll(6);
        Assert.True(lost);
        Assert.True(net.Sent.Count(m => m.Type == MessageType.Snapshot && m.SnapshotOffset == 128) >= 2);
        Assert.Equal(net.Peers[1].State, net.Peers[3].State);
        Assert.Single(net.Peers[3].InstalledSnapshots);
    }

    [Fact]
    public void Lost_chunk_acknowledgement_is_recovered()
    {
        var net = CompactedWhileThreeWasDown(new NodeOptions(SnapshotChunkBytes: 64));
        var dropped = 0;
        net.DropIf = m => m.Type == MessageType.SnapshotResponse && dropped++ == 1;
        net.TickAll(6);
        Assert.True(dropped >= 2);
        var offsets = net.Sent.Where(m => m.Type == MessageType.Snapshot).Select(m => m.SnapshotOffset).ToList();
        Assert.True(offsets.Count > offsets.Distinct().Count(), "the unacknowledged chunk must have been resent");
        Assert.Equal(net.Peers[1].State, net.Peers[3].State);
    }

    [Fact]
    public void Follower_installs_only_a_complete_snapshot()
    {
        var raw = new RawNode(3, Three);
        var metadata = new SnapshotMetadata(10, 2, new ConfState(Three, []));
        raw.Step(new Message(MessageType.Snapshot, 1, 3, 2)
        {
            SnapshotMetadata = metadata,
            SnapshotOffset = 0,
            SnapshotChunk = new byte[] { 1, 2, 3 },
        });
        var ack = raw.Drain().Single();
        Assert.Equal(MessageType.SnapshotResponse, ack.Type);
        Assert.Equal(3, ack.SnapshotOffset);
        Assert.All(raw.Readies, r => Assert.Null(r.Snapshot));
        Assert.Equal(1, raw.Node.Status.Commit);

        // A chunk that skips ahead is refused with the offset the follower can continue from.
        raw.Step(new Message(MessageType.Snapshot, 1, 3, 2) { SnapshotMetadata = metadata, SnapshotOffset = 6, SnapshotChunk = new byte[] { 7 }, SnapshotDone = true });
        var refusal = raw.Drain().Single();
        Assert.True(refusal.Reject);
        Assert.Equal(3, refusal.SnapshotOffset);
        Assert.All(raw.Readies, r => Assert.Null(r.Snapshot));

        raw.Step(new Message(MessageType.Snapshot, 1, 3, 2) { SnapshotMetadata = metadata, SnapshotOffset = 3, SnapshotChunk = new byte[] { 4, 5 }, SnapshotDone = true });
        var done = raw.Drain().Single();
        Assert.Equal(MessageType.AppendResponse, done.Type);
        Assert.Equal(10, done.Index);
        var snapshot = raw.Readies.Select(r => r.Snapshot).Single(s => s is not null)!;
        Assert.Equal([1, 2, 3, 4, 5], snapshot.Data.ToArray());
        Assert.Equal(10, raw.Node.Status.Commit);
        Assert.Equal(10, raw.Storage.LastIndex());
    }

    [Fact]
    public void Snapshot_carries_voters_and_learners()
    {
        var net = new FakeNetwork(Three, learners: [4]).Elect(1);
        net.Crash(3);
        net.Propose(1, "a");
        net.CompactAt(1, net.Peers[1].AppliedIndex);
        var metadata = net.Peers[1].Storage.Snapshot().Metadata;
        Assert.Equal([1L, 2, 3], metadata.ConfState.Voters);
        Assert.Equal([4L], metadata.ConfState.Learners);

        net.Restart(3);
        net.TickAll(3);
        var installed = Assert.Single(net.Peers[3].InstalledSnapshots);
        Assert.Equal([4L], installed.Metadata.ConfState.Learners);
        Assert.True(net[3].ConfState.IsLearner(4));
    }

    [Fact]
    public void Stale_snapshot_at_or_below_commit_is_not_installed()
    {
        var raw = new RawNode(3, Three);
        raw.ReceiveAppend(1, 2, 1, 1, 3, RawNode.E(2, 2), RawNode.E(3, 2));
        raw.Drain();
        raw.Step(new Message(MessageType.Snapshot, 1, 3, 2)
        {
            SnapshotMetadata = new SnapshotMetadata(2, 2, new ConfState(Three, [])),
            SnapshotDone = true,
        });
        var response = raw.Drain().Single();
        Assert.Equal(MessageType.AppendResponse, response.Type);
        Assert.Equal(3, response.Index);
        Assert.All(raw.Readies, r => Assert.Null(r.Snapshot));
        Assert.Equal(3, raw.Node.Status.LastIndex);
    }

    [Fact]
    public void Node_restarts_from_a_snapshot_and_its_log_suffix()
    {
        var net = CompactedWhileThreeWasDown();
        net.Propose(1, "tail");
        net.Crash(1);
        net.Restart(1);
        var status = net[1].Status;
        Assert.Equal(net.Peers[1].Storage.LastIndex(), status.LastIndex);
        net.TickAll(40);
        net.Stabilize();
        Assert.Equal(31, net.Peers[1].State.Count);
        net.AssertStateMachinesAgree();
    }

    [Fact]
    public void Leader_that_compacted_during_a_transfer_sends_the_newer_snapshot_next()
    {
        var net = CompactedWhileThreeWasDown(new NodeOptions(SnapshotChunkBytes: 64));
        var firstSnapshot = net.Peers[1].Storage.Snapshot().Metadata.Index;

        // Hold back the last chunk, move on and compact again, then let the transfer finish.
        net.DropIf = m => m.Type == MessageType.Snapshot && m.SnapshotDone;
        net.TickAll(3);
        for (var i = 0; i < 5; i++)
        {
            net.Propose(1, $"more-{i}");
        }

        net.CompactAt(1, net.Peers[1].AppliedIndex);
        net.DropIf = null;
        net.TickAll(6);
        Assert.Equal(2, net.Peers[3].InstalledSnapshots.Count);
        Assert.Equal(firstSnapshot, net.Peers[3].InstalledSnapshots[0].Metadata.Index);
        Assert.Equal(net.Peers[1].State, net.Peers[3].State);
    }
}

using Raftex.Protocol.V1;
using Raftex.Raft;

namespace Raftex.Node.Tests;

public sealed class RaftWireTests
{
    private static Entry E(long index, long term) => new(index, term, EntryType.Normal, new byte[] { 1, 2, (byte)index });

    [Fact]
    public void Consecutive_appends_to_one_peer_travel_as_one_message()
    {
        var batch = new RaftBatch();
        RaftWire.AddTo(batch, new Message(MessageType.Append, 1, 2, 3) { Index = 10, LogTerm = 3, Entries = [E(11, 3)], Commit = 9 });
        RaftWire.AddTo(batch, new Message(MessageType.Append, 1, 2, 3) { Index = 11, LogTerm = 3, Entries = [E(12, 3), E(13, 3)], Commit = 10 });
        var merged = Assert.Single(batch.Messages);
        Assert.Equal(3, merged.Entries.Count);
        Assert.Equal(10ul, merged.Commit);
        var decoded = RaftWire.FromProto(merged, 1, 2, out var error)!;
        Assert.Null(error);
        Assert.Equal(10, decoded.Index);
        Assert.Equal([11L, 12, 13], decoded.Entries.Select(e => e.Index));
        Assert.Equal(new byte[] { 1, 2, 13 }, decoded.Entries[2].Data.ToArray());
    }

    [Fact]
    public void Appends_that_do_not_continue_each_other_stay_separate()
    {
        var batch = new RaftBatch();
        RaftWire.AddTo(batch, new Message(MessageType.Append, 1, 2, 3) { Index = 10, LogTerm = 3, Entries = [E(11, 3)] });
        RaftWire.AddTo(batch, new Message(MessageType.Append, 1, 2, 3) { Index = 5, LogTerm = 2, Entries = [E(6, 3)] });
        RaftWire.AddTo(batch, new Message(MessageType.Heartbeat, 1, 2, 3) { Commit = 4 });
        Assert.Equal(3, batch.Messages.Count);
    }

    [Fact]
    public void Snapshot_chunks_and_read_contexts_round_trip()
    {
        var m = new Message(MessageType.Snapshot, 1, 2, 4)
        {
            SnapshotMetadata = new SnapshotMetadata(100, 4, new ConfState([1, 2, 3], [4])),
            SnapshotOffset = 65536,
            SnapshotChunk = new byte[] { 9, 8, 7 },
            SnapshotDone = true,
            Context = new byte[] { 5 },
        };
        var back = RaftWire.FromProto(RaftWire.ToProto(m), 1, 2, out _)!;
        Assert.Equal(100, back.SnapshotMetadata!.Index);
        Assert.True(back.SnapshotMetadata.ConfState.SameMembers(m.SnapshotMetadata.ConfState));
        Assert.Equal(65536, back.SnapshotOffset);
        Assert.True(back.SnapshotDone);
        Assert.Equal(new byte[] { 9, 8, 7 }, back.SnapshotChunk.ToArray());
        Assert.Equal(new byte[] { 5 }, back.Context.ToArray());
    }

    [Fact]
    public void Malformed_messages_are_refused_not_thrown()
    {
        Assert.Null(RaftWire.FromProto(new RaftMessage { Type = 99 }, 1, 2, out var error));
        Assert.Contains("type", error, StringComparison.Ordinal);
        var bad = new RaftMessage { Type = (uint)MessageType.Append };
        bad.Entries.Add(new RaftEntry { Index = 1, Term = 1, Type = 7 });
        Assert.Null(RaftWire.FromProto(bad, 1, 2, out error));
        Assert.Contains("entry", error, StringComparison.Ordinal);
    }
}

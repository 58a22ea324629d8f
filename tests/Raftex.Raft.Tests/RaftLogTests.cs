namespace Raftex.Raft.Tests;

/// <summary>The log view: durable storage plus the unstable tail the app has not persisted yet.</summary>
public sealed class RaftLogTests
{
    private static readonly long[] Three = [1, 2, 3];

    private static RaftLog NewLog(MemoryStorage storage)
    {
        var log = new RaftLog(storage, 1 << 20);
        log.SetRestartPoint(storage.FirstIndex() - 1, 0);
        return log;
    }

    [Fact]
    public void Find_conflict_by_term_returns_the_last_index_with_a_term_not_above_the_given_one()
    {
        var storage = MemoryStorage.Bootstrap(Three);
        storage.Append([RawNode.E(2, 2), RawNode.E(3, 2), RawNode.E(4, 4), RawNode.E(5, 4), RawNode.E(6, 5)]);
        var log = NewLog(storage);
        Assert.Equal((6L, 5L), log.FindConflictByTerm(9, 7));
        Assert.Equal((5L, 4L), log.FindConflictByTerm(6, 4));
        Assert.Equal((3L, 2L), log.FindConflictByTerm(6, 3));
        Assert.Equal((1L, 1L), log.FindConflictByTerm(6, 1));
    }

    [Fact]
    public void Find_conflict_by_term_stops_at_the_compaction_point()
    {
        var storage = MemoryStorage.Bootstrap(Three);
        storage.Append([RawNode.E(2, 3), RawNode.E(3, 3)]);
        storage.SetHardState(new HardState(3, 0, 3));
        storage.CreateSnapshot(2, new ConfState(Three, []), ReadOnlyMemory<byte>.Empty);
        storage.Compact(2);
        var log = NewLog(storage);
        Assert.Equal((1L, 0L), log.FindConflictByTerm(3, 1));
    }

    [Fact]
    public void Slice_spans_storage_and_the_unstable_tail_within_max_bytes()
    {
        var storage = MemoryStorage.Bootstrap(Three);
        storage.Append([RawNode.E(2, 1, "aa"), RawNode.E(3, 1, "bb")]);
        var log = NewLog(storage);
        log.Append([RawNode.E(4, 1, "cc"), RawNode.E(5, 1, "dd")]);
        Assert.Equal([2L, 3, 4, 5], log.Slice(2, 6, long.MaxValue).Select(e => e.Index));
        var size = RawNode.E(2, 1, "aa").Size;
        Assert.Equal([2L, 3, 4], log.Slice(2, 6, 3 * size).Select(e => e.Index));
        Assert.Equal([3L], log.Slice(3, 6, 1).Select(e => e.Index));
        Assert.Null(log.EntriesFrom(1));
    }

    [Fact]
    public void Stable_to_keeps_entries_that_a_conflict_replaced_meanwhile()
    {
        var storage = MemoryStorage.Bootstrap(Three);
        var log = NewLog(storage);
        log.Append([RawNode.E(2, 2), RawNode.E(3, 2)]);
        // The app is persisting 2..3 (term 2) when a new leader replaces index 3.
        log.Append([RawNode.E(3, 3)]);
        log.StableTo(3, 2);
        Assert.Equal([2L, 3], log.UnstableEntries().Select(e => e.Index));
        log.StableTo(3, 3);
        Assert.Empty(log.UnstableEntries());
    }

    [Fact]
    public void Entries_stepped_in_while_a_ready_is_persisting_come_in_the_next_ready()
    {
        var raw = new RawNode(1, Three);
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2), RawNode.E(3, 2));
        var first = raw.Node.GetReady();
        Assert.False(raw.Node.HasReady());

        // While that write is in flight, a newer leader replaces index 3 and adds 4.
        raw.ReceiveAppend(3, 3, 2, 2, 1, RawNode.E(3, 3), RawNode.E(4, 3));
        raw.Storage.Append(first.Entries);
        raw.Storage.SetHardState(first.HardState!.Value);
        raw.Node.Advance(first);

        Assert.True(raw.Node.HasReady());
        var second = raw.Node.GetReady();
        Assert.Equal([2L, 3, 4], second.Entries.Select(e => e.Index));
        Assert.Equal(3, second.Entries[1].Term);
        raw.Storage.Append(second.Entries);
        raw.Node.Advance(second);
        Assert.Equal(3, raw.Storage.Term(3));
        Assert.Equal(4, raw.Storage.LastIndex());
    }

    [Fact]
    public void Commit_beyond_the_last_index_fails_loudly()
    {
        var log = NewLog(MemoryStorage.Bootstrap(Three));
        Assert.Throws<InvalidOperationException>(() => log.CommitTo(5));
    }
}

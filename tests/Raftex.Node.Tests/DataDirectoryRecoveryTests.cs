using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Node.Tests;

public sealed class DataDirectoryRecoveryTests : IDisposable
{
    private static readonly ConfState Voters = new([1, 2, 3], []);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "raftex-datadir-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static Entry[] Entries(long from, long to, long term)
    {
        var entries = new Entry[to - from + 1];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new Entry(from + i, term, EntryType.Normal, new byte[] { (byte)(from + i) });
        }

        return entries;
    }

    /// <summary>A data directory whose WAL marks snapshot 1 and holds entries 2..5 of term 1.</summary>
    private void WriteLogTo5()
    {
        using var data = DataDirectory.Open(_root, "c1", 1);
        var first = new Snapshot(new SnapshotMetadata(1, 1, Voters), ReadOnlyMemory<byte>.Empty);
        data.Snapshots.Save(first);
        data.Wal.SaveSnapshot(first.Metadata);
        data.Wal.Save(new HardState(1, 0, 5), Entries(2, 5, 1));
        data.Wal.Sync();
    }

    /// <summary>Simulates a crash after Snapshots.Save and before the WAL mark: only the snapshot file is written.</summary>
    private void WriteSnapshotFileOnly(long index, long term) =>
        new SnapshotStore(Path.Combine(_root, RaftStorage.SnapshotDirectoryName))
            .Save(new Snapshot(new SnapshotMetadata(index, term, Voters), new byte[] { 42 }));

    [Fact]
    public void A_snapshot_beyond_the_log_whose_WAL_mark_was_lost_is_restored_and_the_next_append_continues_it()
    {
        WriteLogTo5();
        WriteSnapshotFileOnly(10, 2);

        using (var data = DataDirectory.Open(_root, "c1", 1))
        {
            Assert.Equal(10, data.Recovery.Snapshot.Metadata.Index);
            Assert.Equal(2, data.Recovery.Snapshot.Metadata.Term);
            Assert.Empty(data.Recovery.Entries);
            Assert.Equal(10, data.Wal.Snapshot.Index);

            // A follower that installed snapshot 10 receives entry 11 next; before the fix the WAL refused it as a gap.
            data.Wal.Save(new HardState(2, 0, 11), Entries(11, 11, 2));
            data.Wal.Sync();
        }

        using var reopened = DataDirectory.Open(_root, "c1", 1);
        Assert.Equal(10, reopened.Recovery.Snapshot.Metadata.Index);
        var entry = Assert.Single(reopened.Recovery.Entries);
        Assert.Equal(11, entry.Index);
        Assert.Equal(2, entry.Term);
    }

    [Fact]
    public void WAL_entries_after_a_lost_snapshot_mark_are_dropped_when_their_term_disagrees_with_the_snapshot()
    {
        WriteLogTo5();
        WriteSnapshotFileOnly(3, 2);

        using var data = DataDirectory.Open(_root, "c1", 1);
        Assert.Equal(3, data.Recovery.Snapshot.Metadata.Index);
        Assert.Empty(data.Recovery.Entries);
    }

    [Fact]
    public void WAL_entries_after_a_lost_snapshot_mark_are_kept_when_they_continue_the_snapshot()
    {
        WriteLogTo5();
        WriteSnapshotFileOnly(3, 1);

        using var data = DataDirectory.Open(_root, "c1", 1);
        Assert.Equal(3, data.Recovery.Snapshot.Metadata.Index);
        Assert.Equal([4L, 5L], data.Recovery.Entries.Select(e => e.Index));
    }

    [Fact]
    public void Restart_entries_stop_at_a_gap_and_are_dropped_when_the_term_at_the_snapshot_index_differs()
    {
        var snapshot = new SnapshotMetadata(5, 2, Voters);

        Assert.Equal([6L, 7L], RaftHost.EntriesContinuing(snapshot, [.. Entries(4, 5, 2), .. Entries(6, 7, 2)]).Select(e => e.Index));
        Assert.Empty(RaftHost.EntriesContinuing(snapshot, [.. Entries(5, 5, 1), .. Entries(6, 7, 2)]));
        Assert.Equal([6L], RaftHost.EntriesContinuing(snapshot, [.. Entries(6, 6, 2), .. Entries(8, 9, 2)]).Select(e => e.Index));
        Assert.Empty(RaftHost.EntriesContinuing(snapshot, Entries(7, 8, 2)));
        Assert.Empty(RaftHost.EntriesContinuing(snapshot, Entries(6, 7, 1)));
    }
}

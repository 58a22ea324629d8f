namespace Raftex.Raft.Storage.Tests;

public sealed class SnapshotTests
{
    private static readonly ConfState Members = new([1, 2, 3], [4]);

    private static Snapshot MakeSnapshot(long index, long term, string content) =>
        new(new SnapshotMetadata(index, term, Members), System.Text.Encoding.UTF8.GetBytes(content));

    [Fact]
    public void An_empty_store_loads_the_empty_snapshot()
    {
        using var dir = new TempDirectory();
        Assert.True(new SnapshotStore(dir.Path).LoadNewest().IsEmpty);
    }

    [Fact]
    public void The_newest_snapshot_wins_after_reopening_and_only_two_are_kept()
    {
        using var dir = new TempDirectory();
        var store = new SnapshotStore(dir.Path);
        store.Save(MakeSnapshot(10, 1, "ten"));
        store.Save(MakeSnapshot(30, 2, "thirty"));
        store.Save(MakeSnapshot(20, 2, "twenty"));

        var reopened = new SnapshotStore(dir.Path);
        var newest = reopened.LoadNewest();
        Assert.Equal(30, newest.Metadata.Index);
        Assert.Equal(2, newest.Metadata.Term);
        Assert.Equal([1L, 2, 3], newest.Metadata.ConfState.Voters);
        Assert.Equal([4L], newest.Metadata.ConfState.Learners);
        Assert.Equal("thirty", System.Text.Encoding.UTF8.GetString(newest.Data.Span));
        Assert.Equal(SnapshotStore.Retained, reopened.Files.Count);
        Assert.DoesNotContain(reopened.Files, f => Path.GetFileName(f).StartsWith("000000000000000a", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void A_corrupt_newest_snapshot_is_reported_with_its_file_name_not_skipped()
    {
        using var dir = new TempDirectory();
        var store = new SnapshotStore(dir.Path);
        store.Save(MakeSnapshot(10, 1, "older"));
        store.Save(MakeSnapshot(20, 1, "newer snapshot data"));
        var newestFile = store.Files[0];
        var bytes = File.ReadAllBytes(newestFile);
        bytes[^8] ^= 0x20;
        File.WriteAllBytes(newestFile, bytes);

        var error = Assert.Throws<SnapshotCorruptionException>(() => new SnapshotStore(dir.Path).LoadNewest());
        Assert.Equal(newestFile, error.FilePath);
        Assert.Contains(Path.GetFileName(newestFile), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_in_an_unknown_format_version_is_refused()
    {
        using var dir = new TempDirectory();
        var store = new SnapshotStore(dir.Path);
        store.Save(MakeSnapshot(10, 1, "state"));
        var file = store.Files[0];
        var bytes = File.ReadAllBytes(file);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(file, bytes);

        var error = Assert.Throws<WalFormatException>(() => store.LoadNewest());
        Assert.Equal(file, error.FilePath);
        Assert.Equal(2u, error.Version);
    }

    [Fact]
    public void A_truncated_snapshot_file_is_reported()
    {
        using var dir = new TempDirectory();
        var store = new SnapshotStore(dir.Path);
        store.Save(MakeSnapshot(10, 1, "some state"));
        var file = store.Files[0];
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..^5]);
        Assert.Throws<SnapshotCorruptionException>(() => store.LoadNewest());
    }

    [Fact]
    public void A_leftover_temporary_snapshot_is_removed_and_ignored()
    {
        using var dir = new TempDirectory();
        new SnapshotStore(dir.Path).Save(MakeSnapshot(10, 1, "good"));
        File.WriteAllBytes(Path.Combine(dir.Path, "00000000000000ff-0000000000000001.snap.tmp"), [1, 2, 3]);

        var store = new SnapshotStore(dir.Path);
        Assert.Equal(10, store.LoadNewest().Metadata.Index);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Release_removes_covered_segments_and_recovery_restores_the_same_state()
    {
        using var dir = new TempDirectory();
        var walDir = dir.Sub("wal");
        var store = new SnapshotStore(dir.Sub("snap"));
        var options = new WalOptions { SegmentSize = 4096 };
        HardState finalState;
        var (log, _) = WriteAheadLog.Open(walDir, options);
        using (log)
        {
            for (long i = 1; i <= 1000; i += 10)
            {
                log.Save(new HardState(3, 2, i + 9), Log.Entries(i, i + 9, 3));
                log.Sync();
            }

            var before = log.SegmentCount;
            Assert.True(before >= 6, $"expected many segments, got {before}");

            // Releasing before the snapshot is marked durable must be refused.
            Assert.Throws<InvalidOperationException>(() => log.ReleaseTo(800));

            store.Save(MakeSnapshot(800, 3, "state at 800"));
            log.SaveSnapshot(new SnapshotMetadata(800, 3, Members));
            Assert.Throws<InvalidOperationException>(() => log.ReleaseTo(800));
            log.Sync();
            var removed = log.ReleaseTo(800);
            Assert.True(removed >= 6, $"expected most segments removed, got {removed}");
            Assert.Equal(before - removed, log.SegmentCount);
            Assert.Equal(log.SegmentCount, Log.SegmentFiles(walDir).Length);

            log.Save(new HardState(4, 1, 1005), Log.Entries(1001, 1010, 4));
            log.Sync();
            finalState = log.HardState;
        }

        var (reopened, recovery) = WriteAheadLog.Open(walDir, options);
        using (reopened)
        {
            Assert.Equal(finalState, recovery.HardState);
            Assert.Equal(800, recovery.Snapshot.Index);
            Assert.Equal(3, recovery.Snapshot.Term);
            Assert.Equal([1L, 2, 3], recovery.Snapshot.ConfState.Voters);
            var expected = Log.Entries(801, 1000, 3).Concat(Log.Entries(1001, 1010, 4));
            Assert.Equal(Log.Describe(expected), Log.Describe(recovery.Entries));
            Assert.Equal(800, new SnapshotStore(dir.Sub("snap")).LoadNewest().Metadata.Index);
        }
    }

    [Fact]
    public void A_snapshot_past_the_end_of_the_log_restarts_the_log_after_it()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(new HardState(1, 1, 5), Log.Entries(1, 10, 1));
            // A follower installs the leader's snapshot: its own uncommitted entries do not survive it.
            log.SaveSnapshot(new SnapshotMetadata(50, 4, Members));
            Assert.Equal(50, log.LastIndex);
            Assert.Throws<ArgumentException>(() => log.Save(null, [Log.Entry(52, 4)]));
            log.Save(new HardState(4, 0, 50), Log.Entries(51, 53, 4));
            log.Sync();
        }

        var (reopened, recovery) = WriteAheadLog.Open(dir.Path);
        using (reopened)
        {
            Assert.Equal(50, recovery.Snapshot.Index);
            Assert.Equal(Log.Describe(Log.Entries(51, 53, 4)), Log.Describe(recovery.Entries));
        }
    }

    [Fact]
    public void A_snapshot_whose_term_disagrees_with_the_log_discards_the_log()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(null, Log.Entries(1, 10, 1));
            log.SaveSnapshot(new SnapshotMetadata(8, 2, Members));
            Assert.Equal(8, log.LastIndex);
            log.Sync();
        }

        var (reopened, recovery) = WriteAheadLog.Open(dir.Path);
        using (reopened)
        {
            Assert.Empty(recovery.Entries);
            Assert.Equal(8, recovery.LastIndex);
        }
    }

    [Fact]
    public void An_older_snapshot_marker_is_rejected()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(null, Log.Entries(1, 10, 1));
            log.SaveSnapshot(new SnapshotMetadata(8, 1, Members));
            Assert.Throws<ArgumentException>(() => log.SaveSnapshot(new SnapshotMetadata(5, 1, Members)));
        }
    }
}

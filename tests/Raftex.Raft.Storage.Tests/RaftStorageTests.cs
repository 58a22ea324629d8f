using System.Text;

namespace Raftex.Raft.Storage.Tests;

public sealed class RaftStorageTests
{
    private static readonly ConfState Members = new([1, 2, 3], []);

    private static Snapshot MakeSnapshot(long index, long term) =>
        new(new SnapshotMetadata(index, term, Members), Encoding.UTF8.GetBytes($"state@{index}"));

    [Fact]
    public void A_saved_snapshot_the_hard_state_and_later_entries_come_back_together()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 4096 };
        var (storage, fresh) = RaftStorage.Open(dir.Path, options);
        using (storage)
        {
            Assert.True(fresh.Snapshot.IsEmpty);
            for (long i = 1; i <= 300; i += 10)
            {
                storage.Log.Save(new HardState(2, 1, i + 9), Log.Entries(i, i + 9, 2));
                storage.Log.Sync();
            }

            var segmentsBefore = storage.Log.SegmentCount;
            storage.SaveSnapshot(MakeSnapshot(250, 2));
            Assert.True(storage.Log.SegmentCount < segmentsBefore);
        }

        var (reopened, state) = RaftStorage.Open(dir.Path, options);
        using (reopened)
        {
            Assert.Equal(250, state.Snapshot.Metadata.Index);
            Assert.Equal("state@250", Encoding.UTF8.GetString(state.Snapshot.Data.Span));
            Assert.Equal(new HardState(2, 1, 300), state.HardState);
            Assert.Equal(Log.Describe(Log.Entries(251, 300, 2)), Log.Describe(state.Entries));
            Assert.Equal(300, state.LastIndex);
        }
    }

    [Fact]
    public void A_snapshot_file_whose_mark_never_reached_the_log_wins_and_the_log_continues_after_it()
    {
        using var dir = new TempDirectory();
        var (storage, _) = RaftStorage.Open(dir.Path);
        using (storage)
        {
            storage.Log.Save(new HardState(1, 1, 40), Log.Entries(1, 40, 1));
            storage.Log.Sync();
        }

        // The crash window: the snapshot file is durable, the WAL never got its marker.
        new SnapshotStore(Path.Combine(dir.Path, RaftStorage.SnapshotDirectoryName)).Save(MakeSnapshot(30, 1));

        var (reopened, state) = RaftStorage.Open(dir.Path);
        using (reopened)
        {
            Assert.Equal(30, state.Snapshot.Metadata.Index);
            Assert.Equal(Log.Describe(Log.Entries(31, 40, 1)), Log.Describe(state.Entries));
            Assert.Equal(30, reopened.Log.Snapshot.Index);
            reopened.Log.Save(null, [Log.Entry(41, 1)]);
            reopened.Log.Sync();
        }

        var (third, again) = RaftStorage.Open(dir.Path);
        using (third)
        {
            Assert.Equal(Log.Describe(Log.Entries(31, 41, 1)), Log.Describe(again.Entries));
        }
    }

    [Fact]
    public void A_log_marked_with_a_snapshot_no_file_holds_is_refused()
    {
        using var dir = new TempDirectory();
        var (storage, _) = RaftStorage.Open(dir.Path);
        using (storage)
        {
            storage.Log.Save(null, Log.Entries(1, 20, 1));
            storage.SaveSnapshot(MakeSnapshot(15, 1));
        }

        foreach (var file in Directory.GetFiles(Path.Combine(dir.Path, RaftStorage.SnapshotDirectoryName)))
        {
            File.Delete(file);
        }

        var error = Assert.Throws<SnapshotMissingException>(() => RaftStorage.Open(dir.Path));
        Assert.Equal(15, error.MarkedSnapshot.Index);
        Assert.Contains("000000000000000f-0000000000000001.snap' is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds no snapshot file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);

        // The failed open released the lock.
        RaftStorage.Open(Path.Combine(dir.Path, "other")).Storage.Dispose();
        WriteAheadLog.Open(Path.Combine(dir.Path, RaftStorage.WalDirectoryName)).Log.Dispose();
    }

    [Fact]
    public void A_missing_newest_snapshot_file_is_refused_naming_it_the_older_file_and_what_to_do()
    {
        using var dir = new TempDirectory();
        var (storage, _) = RaftStorage.Open(dir.Path);
        using (storage)
        {
            storage.Log.Save(null, Log.Entries(1, 40, 1));
            storage.SaveSnapshot(MakeSnapshot(15, 1));
            storage.SaveSnapshot(MakeSnapshot(30, 1));
        }

        var snapDir = Path.Combine(dir.Path, RaftStorage.SnapshotDirectoryName);
        var newest = Path.Combine(snapDir, "000000000000001e-0000000000000001.snap");
        File.Move(newest, Path.Combine(dir.Path, "moved-away.snap"));

        var error = Assert.Throws<SnapshotMissingException>(() => RaftStorage.Open(dir.Path));
        Assert.Equal(newest, error.ExpectedFile);
        Assert.Contains("starts after snapshot 30/1", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the newest snapshot file is '{Path.Combine(snapDir, "000000000000000f-0000000000000001.snap")}' (15/1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Put '000000000000001e-0000000000000001.snap' back", error.Message, StringComparison.Ordinal);
        Assert.Contains("wipe this data directory and re-add the member", error.Message, StringComparison.Ordinal);

        // Put back, it opens as before.
        File.Move(Path.Combine(dir.Path, "moved-away.snap"), newest);
        var (reopened, state) = RaftStorage.Open(dir.Path);
        using (reopened)
        {
            Assert.Equal(30, state.Snapshot.Metadata.Index);
            Assert.Equal(Log.Describe(Log.Entries(31, 40, 1)), Log.Describe(state.Entries));
        }
    }

    [Fact]
    public void Bytes_on_disk_are_the_sizes_of_the_log_and_snapshot_files()
    {
        using var dir = new TempDirectory();
        var (storage, _) = RaftStorage.Open(dir.Path, new WalOptions { SegmentSize = 4096, PreallocationSize = 0 });
        using (storage)
        {
            storage.Log.Save(new HardState(1, 1, 100), Log.Entries(1, 100, 1));
            storage.Log.Sync();
            storage.SaveSnapshot(MakeSnapshot(90, 1));
            static long Sum(string directory) => Directory.GetFiles(directory).Sum(f => new FileInfo(f).Length);
            Assert.Equal(Sum(Path.Combine(dir.Path, RaftStorage.WalDirectoryName)), storage.Log.BytesOnDisk);
            Assert.Equal(Sum(Path.Combine(dir.Path, RaftStorage.SnapshotDirectoryName)), storage.Snapshots.BytesOnDisk);
            Assert.True(storage.Snapshots.BytesOnDisk > "state@90".Length);
        }
    }

    [Fact]
    public void An_installed_snapshot_that_replaces_the_log_releases_every_segment_it_covers_and_old_snapshot_files()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 4096 };
        var (storage, _) = RaftStorage.Open(dir.Path, options);
        using (storage)
        {
            storage.SaveSnapshot(MakeSnapshot(1, 1));
            storage.SaveSnapshot(MakeSnapshot(2, 1));
            for (long i = 3; i <= 800; i += 10)
            {
                storage.Log.Save(new HardState(1, 1, i + 9), Log.Entries(i, i + 9, 1));
                storage.Log.Sync();
            }

            Assert.True(storage.Log.SegmentCount > 3, $"expected several segments, got {storage.Log.SegmentCount}");

            // A leader's snapshot far beyond this log, of a later term: the log restarts empty after it.
            storage.SaveSnapshot(MakeSnapshot(5000, 3));
            Assert.Equal(1, storage.Log.SegmentCount);
            Assert.Equal(SnapshotStore.Retained, storage.Snapshots.Files.Count);
            Assert.Equal(5000, storage.Log.LastIndex);
            storage.Log.Save(new HardState(3, 2, 5001), [Log.Entry(5001, 3)]);
            storage.Log.Sync();
        }

        var (reopened, state) = RaftStorage.Open(dir.Path, options);
        using (reopened)
        {
            Assert.Equal(5000, state.Snapshot.Metadata.Index);
            Assert.Equal(Log.Describe([Log.Entry(5001, 3)]), Log.Describe(state.Entries));
        }
    }

    [Fact]
    public void A_snapshot_file_beyond_the_recorded_commit_raises_the_recovered_commit_to_its_index()
    {
        // A follower installing a leader's snapshot: the file is durable, then the crash takes the mark and the hard
        // state that would have carried the snapshot's commit. The snapshot is committed state, so commit restarts there.
        using var dir = new TempDirectory();
        var (storage, _) = RaftStorage.Open(dir.Path);
        using (storage)
        {
            storage.Log.Save(new HardState(1, 1, 10), Log.Entries(1, 20, 1));
            storage.Log.Sync();
        }

        new SnapshotStore(Path.Combine(dir.Path, RaftStorage.SnapshotDirectoryName)).Save(MakeSnapshot(500, 2));

        var (reopened, state) = RaftStorage.Open(dir.Path);
        using (reopened)
        {
            Assert.Equal(new HardState(1, 1, 500), state.HardState);
            Assert.Empty(state.Entries);
            Assert.Equal(500, state.LastIndex);
        }
    }
}

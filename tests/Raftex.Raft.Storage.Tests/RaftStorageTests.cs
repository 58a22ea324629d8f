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

        var error = Assert.Throws<InvalidDataException>(() => RaftStorage.Open(dir.Path));
        Assert.Contains("15", error.Message, StringComparison.Ordinal);

        // The failed open released the lock.
        RaftStorage.Open(Path.Combine(dir.Path, "other")).Storage.Dispose();
        WriteAheadLog.Open(Path.Combine(dir.Path, RaftStorage.WalDirectoryName)).Log.Dispose();
    }
}

using Raftex.Testing;

namespace Raftex.Raft.Storage.Tests;

/// <summary>A full disk on a real tmpfs: the log stops, loses nothing it synced, reopens, and continues once space returns.</summary>
public sealed class DiskFullTests
{
    private static readonly WalOptions SmallSegments = new() { SegmentSize = 256 * 1024, PreallocationSize = 64 * 1024, WriteBufferSize = 64 * 1024 };

    private static Entry Big(long index) => new(index, 1, EntryType.Normal, Enumerable.Repeat((byte)(index % 251), 2000).ToArray());

    /// <summary>Appends synced batches of four entries until the disk is full; returns the last synced index and the failure.</summary>
    private static (long Synced, Exception Failure) FillUntilFull(WriteAheadLog log, long from)
    {
        var synced = from - 1;
        for (var next = from; next < from + 10_000; next += 4)
        {
            try
            {
                log.Save(new HardState(1, 1, synced), [Big(next), Big(next + 1), Big(next + 2), Big(next + 3)]);
                log.Sync();
                synced = next + 3;
            }
            catch (Exception e)
            {
                return (synced, e);
            }
        }

        throw new InvalidOperationException("the disk never filled up");
    }

    [Fact]
    public void Out_of_space_is_recognised_through_wrapping_and_other_io_errors_are_not()
    {
        var full = new IOException("No space left on device", 28);
        Assert.True(DiskFull.IsCause(full));
        Assert.True(DiskFull.IsCause(new InvalidOperationException("the WAL failed earlier", full)));
        Assert.True(DiskFull.IsCause(new AggregateException(new IOException("Disk quota exceeded", 122))));
        Assert.False(DiskFull.IsCause(new IOException("Input/output error", 5)));
        Assert.False(DiskFull.IsCause(new InvalidOperationException("something else")));
    }

    [Fact]
    public void A_log_that_hit_a_full_disk_reopens_with_every_synced_entry_and_continues_when_space_returns()
    {
        using var disk = Tmpfs.Mount(2 * 1024 * 1024);
        var directory = Path.Combine(disk.Path, "wal");
        var (log, _) = WriteAheadLog.Open(directory, SmallSegments);
        var filler = disk.Fill(leaveFree: 600 * 1024);

        var (synced, failure) = FillUntilFull(log, 1);
        Assert.True(DiskFull.IsCause(failure), $"expected an out-of-space failure, got {failure}");
        Assert.True(synced > 0, "some batches fit before the disk filled");
        var poisoned = Assert.Throws<InvalidOperationException>(() => log.Save(null, [Big(synced + 1)]));
        Assert.True(DiskFull.IsCause(poisoned), "a poisoned log keeps reporting why");

        // Still full: reopening recovers exactly what was synced (plus, at most, whole entries of the failed batch).
        var (reopened, recovery) = log.Reopen();
        Assert.True(recovery.LastIndex >= synced && recovery.LastIndex <= synced + 4, $"recovered to {recovery.LastIndex}, synced {synced}");
        Assert.Equal(Log.Describe(Enumerable.Range(1, (int)recovery.LastIndex).Select(i => Big(i))), Log.Describe(recovery.Entries));

        // While the disk stays full, writing fails again (after whatever the cut tail freed) and the log reopens again.
        var (moreSynced, again) = FillUntilFull(reopened, recovery.LastIndex + 1);
        Assert.True(DiskFull.IsCause(again), $"expected an out-of-space failure, got {again}");
        (reopened, recovery) = reopened.Reopen();
        Assert.True(recovery.LastIndex >= moreSynced, $"recovered to {recovery.LastIndex}, synced {moreSynced}");
        var durable = recovery.LastIndex;

        // Space returns: the log takes the batch again and everything survives a clean reopen.
        File.Delete(filler);
        reopened.Save(new HardState(1, 1, durable), [Big(durable + 1), Big(durable + 2)]);
        reopened.Sync();
        reopened.Dispose();
        var (final, check) = WriteAheadLog.Open(directory, SmallSegments);
        final.Dispose();
        Assert.Equal(durable + 2, check.LastIndex);
        Assert.Equal(Log.Describe(Enumerable.Range(1, (int)(durable + 2)).Select(i => Big(i))), Log.Describe(check.Entries));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
    }

    [Fact]
    public void Reopen_recovers_only_what_was_synced_not_records_written_after_the_last_sync()
    {
        // After a failed fsync Linux may keep the lost pages readable in the page cache; a replay that trusted them
        // would append after data that is not on disk, leaving a hole before valid records (a log that then refuses to
        // open). Everything written since the last good sync was never acknowledged, so Reopen cuts it.
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 1024 * 1024, PreallocationSize = 64 * 1024, WriteBufferSize = 4096 };
        var (log, _) = WriteAheadLog.Open(dir.Path, options);
        log.Save(new HardState(1, 1, 0), [Big(1), Big(2), Big(3)]);
        log.Sync();
        log.Save(new HardState(1, 1, 3), [Big(4), Big(5), Big(6), Big(7), Big(8)]);
        Assert.True(log.BytesWritten > 8 * 2000, "the unsynced batch reached the file (the write buffer is smaller than it)");

        var (reopened, recovery) = log.Reopen();
        Assert.Equal(3, recovery.LastIndex);
        Assert.Equal(Log.Describe(Enumerable.Range(1, 3).Select(i => Big(i))), Log.Describe(recovery.Entries));
        Assert.Equal(new HardState(1, 1, 0), recovery.HardState);

        // The log continues right after the synced prefix, and a clean reopen agrees.
        reopened.Save(new HardState(1, 1, 3), [Big(4), Big(5)]);
        reopened.Sync();
        reopened.Dispose();
        var (final, check) = WriteAheadLog.Open(dir.Path, options);
        final.Dispose();
        Assert.Equal(Log.Describe(Enumerable.Range(1, 5).Select(i => Big(i))), Log.Describe(check.Entries));
    }

    [Fact]
    public void A_full_disk_names_the_segment_it_could_not_extend_not_the_temporary_name_it_was_created_under()
    {
        // The failure's message reaches operators (node status, /readyz): it must name a file that exists.
        using var disk = Tmpfs.Mount(1024 * 1024);
        var directory = Path.Combine(disk.Path, "wal");
        var (log, _) = WriteAheadLog.Open(directory, new WalOptions { SegmentSize = 64 * 1024 * 1024, PreallocationSize = 64 * 1024, WriteBufferSize = 64 * 1024 });
        disk.Fill(leaveFree: 32 * 1024);

        var (_, failure) = FillUntilFull(log, 1);
        Assert.True(DiskFull.IsCause(failure), $"expected an out-of-space failure, got {failure}");
        var segment = Assert.Single(Directory.GetFiles(directory, "*.wal"));
        Assert.Contains(Path.GetFileName(segment) + "'", failure.ToString());
        Assert.DoesNotContain(".tmp", failure.ToString());
        log.Dispose();
    }

    [Fact]
    public void A_full_disk_does_not_stop_opening_storage_whose_newest_snapshot_is_not_marked_yet_the_mark_waits_for_space()
    {
        // A node stopped (or crashed) between saving a snapshot file and marking it, restarted while its disk is
        // still full: it must come up (status, stale reads) with a log that refuses writes until there is room.
        using var disk = Tmpfs.Mount(2 * 1024 * 1024);
        var data = Path.Combine(disk.Path, "data");
        var options = new WalOptions { SegmentSize = 1024 * 1024, PreallocationSize = 64 * 1024, WriteBufferSize = 64 * 1024 };
        var (storage, _) = RaftStorage.Open(data, options);
        storage.Log.Save(new HardState(1, 1, 10), Enumerable.Range(1, 10).Select(i => Big(i)).ToArray());
        storage.Log.Sync();
        var snapshot = new Snapshot(new SnapshotMetadata(6, 1, new ConfState([1], [])), new byte[] { 6 });
        storage.Snapshots.Save(snapshot);
        storage.Dispose();
        var filler = disk.Fill(leaveFree: 0);

        var (full, state) = RaftStorage.Open(data, options);
        Assert.Equal(6, state.Snapshot.Metadata.Index);
        Assert.Equal(Log.Describe(Enumerable.Range(7, 4).Select(i => Big(i))), Log.Describe(state.Entries));
        var refused = Assert.ThrowsAny<Exception>(() =>
        {
            full.Log.Save(null, [Big(11)]);
            full.Log.Sync();
        });
        Assert.True(DiskFull.IsCause(refused), $"expected an out-of-space failure, got {refused}");

        File.Delete(filler);
        var again = full.ReopenLog();
        Assert.Equal(6, again.Snapshot.Metadata.Index);
        Assert.Equal(Log.Describe(Enumerable.Range(7, 4).Select(i => Big(i))), Log.Describe(again.Entries));
        full.Log.Save(null, [Big(11)]);
        full.Log.Sync();
        full.Dispose();

        // The mark is in the log now: the WAL alone starts after the snapshot.
        var (wal, recovery) = WriteAheadLog.Open(Path.Combine(data, RaftStorage.WalDirectoryName), options);
        wal.Dispose();
        Assert.Equal(6, recovery.Snapshot.Index);
        Assert.Equal(Log.Describe(Enumerable.Range(7, 5).Select(i => Big(i))), Log.Describe(recovery.Entries));
    }

    [Fact]
    public void A_reopened_log_keeps_the_directory_locked_and_disposing_the_old_instance_does_not_unlock_it()
    {
        using var disk = Tmpfs.Mount(1024 * 1024);
        var directory = Path.Combine(disk.Path, "wal");
        var (log, _) = WriteAheadLog.Open(directory, SmallSegments);
        disk.Fill(leaveFree: 200 * 1024);
        var (_, failure) = FillUntilFull(log, 1);
        Assert.True(DiskFull.IsCause(failure));

        var (reopened, _) = log.Reopen();
        log.Dispose(); // the old instance no longer owns the lock: disposing it must not release it
        Assert.Throws<WalLockedException>(() => WriteAheadLog.Open(directory, SmallSegments));
        reopened.Dispose();
        var (next, _) = WriteAheadLog.Open(directory, SmallSegments);
        next.Dispose();
    }
}

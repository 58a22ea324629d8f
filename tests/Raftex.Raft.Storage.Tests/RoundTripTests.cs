namespace Raftex.Raft.Storage.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public void A_new_directory_opens_as_an_empty_log()
    {
        using var dir = new TempDirectory();
        var (log, recovery) = WriteAheadLog.Open(dir.Sub("wal"));
        using (log)
        {
            Assert.Empty(recovery.Entries);
            Assert.True(recovery.HardState.IsEmpty);
            Assert.Equal(0, recovery.Snapshot.Index);
            Assert.Equal(0, recovery.LastIndex);
            Assert.Single(Log.SegmentFiles(dir.Sub("wal")));
        }
    }

    [Fact]
    public void Preallocated_space_ahead_of_the_log_is_read_back_as_empty_after_a_crash()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { PreallocationSize = 64 * 1024 };
        var (log, _) = WriteAheadLog.Open(dir.Path, options);
        using (log)
        {
            log.Save(new HardState(1, 1, 0), Log.Entries(1, 20, 1));
            log.Sync();

            // What a crash leaves behind: the synced records followed by zeros up to the preallocated size.
            var segment = Log.SegmentFiles(dir.Path).Single();
            Assert.Equal(64 * 1024, new FileInfo(segment).Length);
            var copy = dir.Sub("crashed");
            Log.CopyDirectory(dir.Path, copy);
            var (crashed, recovery) = WriteAheadLog.Open(copy, options);
            using (crashed)
            {
                Assert.Equal(Log.Describe(Log.Entries(1, 20, 1)), Log.Describe(recovery.Entries));
                Assert.Equal(0, recovery.DiscardedTailBytes);
                crashed.Save(null, Log.Entries(21, 22, 1));
                crashed.Sync();
            }

            var (again, afterAppend) = WriteAheadLog.Open(copy, options);
            again.Dispose();
            Assert.Equal(22, afterAppend.LastIndex);
        }
    }

    [Fact]
    public void Entries_hard_state_and_truncation_survive_close_and_reopen()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(new HardState(1, 1, 0), Log.Entries(1, 5, 1));
            log.Sync();
            // A follower learns that entries 4..5 conflict with the new leader's log and overwrites them.
            log.Save(new HardState(2, 3, 3), [Log.Entry(4, 2, "new-4"), Log.Entry(5, 2, "new-5"), Log.Entry(6, 2, "new-6")]);
            log.Sync();
        }

        var (reopened, recovery) = WriteAheadLog.Open(dir.Path);
        using (reopened)
        {
            Assert.Equal(new HardState(2, 3, 3), recovery.HardState);
            var expected = Log.Entries(1, 3, 1).Concat([Log.Entry(4, 2, "new-4"), Log.Entry(5, 2, "new-5"), Log.Entry(6, 2, "new-6")]);
            Assert.Equal(Log.Describe(expected), Log.Describe(recovery.Entries));
            Assert.Equal(6, reopened.LastIndex);
            Assert.Equal(2, reopened.LastTerm);
            Assert.Equal(0, recovery.DiscardedTailBytes);
        }
    }

    [Fact]
    public void A_truncation_back_into_an_earlier_segment_is_honoured_after_rollover()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 4096 };
        var (log, _) = WriteAheadLog.Open(dir.Path, options);
        using (log)
        {
            for (long i = 1; i <= 400; i += 10)
            {
                log.Save(new HardState(1, 1, i), Log.Entries(i, i + 9, 1));
                log.Sync();
            }

            Assert.True(log.SegmentCount >= 4, $"expected several segments, got {log.SegmentCount}");

            // Conflicting suffix from 50 on: the old entries 50..400 sit in earlier segments.
            log.Save(new HardState(2, 2, 49), Log.Entries(50, 60, 2));
            log.Sync();
        }

        var (reopened, recovery) = WriteAheadLog.Open(dir.Path, options);
        using (reopened)
        {
            var expected = Log.Entries(1, 49, 1).Concat(Log.Entries(50, 60, 2));
            Assert.Equal(Log.Describe(expected), Log.Describe(recovery.Entries));
            Assert.Equal(new HardState(2, 2, 49), recovery.HardState);

            // And the log continues from there after reopening.
            reopened.Save(null, Log.Entries(61, 70, 2));
            reopened.Sync();
        }

        var (third, again) = WriteAheadLog.Open(dir.Path, options);
        using (third)
        {
            Assert.Equal(70, again.LastIndex);
            Assert.Equal(Log.Describe(Log.Entries(50, 70, 2)), Log.Describe(again.Entries.Skip(49)));
        }
    }

    [Fact]
    public void Segments_roll_over_at_the_configured_size()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 8192 };
        var (log, _) = WriteAheadLog.Open(dir.Path, options);
        using (log)
        {
            var data = new byte[1000];
            for (long i = 1; i <= 40; i++)
            {
                log.Save(null, [new Entry(i, 1, EntryType.Normal, data)]);
            }

            log.Sync();
        }

        var files = Log.SegmentFiles(dir.Path);

        // A clean close trims the preallocated space off the current segment too.
        var lastBytes = File.ReadAllBytes(files[^1]);
        Assert.Equal(lastBytes.Length, Log.RecordBoundaries(lastBytes)[^1]);

        // 40 KB of entries in 8 KiB segments: at least 5 files, none (but the last) much past the limit.
        Assert.True(files.Length >= 5, $"got {files.Length} segments");
        foreach (var file in files[..^1])
        {
            Assert.InRange(new FileInfo(file).Length, 8192, 8192 + 1100);
        }
    }

    [Fact]
    public void Unchanged_hard_state_is_not_written_again()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(new HardState(1, 1, 0), []);
            log.Sync();
            var before = log.BytesWritten;
            log.Save(new HardState(1, 1, 0), []);
            log.Sync();
            Assert.Equal(before, log.BytesWritten);
            Assert.Equal(1, log.SyncCount);
        }
    }
}

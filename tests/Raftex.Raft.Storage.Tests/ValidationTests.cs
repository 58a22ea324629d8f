namespace Raftex.Raft.Storage.Tests;

public sealed class ValidationTests
{
    [Fact]
    public void An_entry_that_leaves_a_gap_is_rejected_and_the_log_stays_usable()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(null, Log.Entries(1, 3, 1));
            var error = Assert.Throws<ArgumentException>(() => log.Save(null, [Log.Entry(5, 1)]));
            Assert.Contains("gap", error.Message, StringComparison.Ordinal);
            Assert.Contains("3", error.Message, StringComparison.Ordinal);

            log.Save(null, [Log.Entry(4, 1)]);
            log.Sync();
            Assert.Equal(4, log.LastIndex);
        }

        var (reopened, recovery) = WriteAheadLog.Open(dir.Path);
        using (reopened)
        {
            Assert.Equal(Log.Describe(Log.Entries(1, 4, 1)), Log.Describe(recovery.Entries));
        }
    }

    [Fact]
    public void Non_contiguous_entries_within_one_batch_are_rejected_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            var error = Assert.Throws<ArgumentException>(() => log.Save(null, [Log.Entry(1, 1), Log.Entry(3, 1)]));
            Assert.Contains("contiguous", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, log.LastIndex);
            Assert.Equal(0, log.EntriesWritten);
        }
    }

    [Fact]
    public void An_entry_with_a_lower_term_than_its_predecessor_is_rejected()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(null, Log.Entries(1, 2, 3));
            Assert.Throws<ArgumentException>(() => log.Save(null, [Log.Entry(3, 2)]));
        }
    }

    [Fact]
    public void Hard_state_term_never_goes_back()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(new HardState(5, 1, 0), []);
            var error = Assert.Throws<ArgumentException>(() => log.Save(new HardState(4, 1, 0), []));
            Assert.Contains("term", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Entries_covered_by_the_snapshot_cannot_be_rewritten()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(null, Log.Entries(1, 10, 1));
            log.SaveSnapshot(new SnapshotMetadata(5, 1, ConfState.Empty));
            var error = Assert.Throws<ArgumentException>(() => log.Save(null, [Log.Entry(5, 2)]));
            Assert.Contains("snapshot", error.Message, StringComparison.Ordinal);
            log.Save(null, [Log.Entry(6, 2)]);
            Assert.Equal(6, log.LastIndex);
        }
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentOutOfRangeException>(() => WriteAheadLog.Open(dir.Path, new WalOptions { SegmentSize = 10 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => WriteAheadLog.Open(dir.Path, new WalOptions { GroupId = -1 }));
    }

    [Fact]
    public void A_log_opened_for_another_raft_group_is_refused()
    {
        using var dir = new TempDirectory();
        WriteAheadLog.Open(dir.Path).Log.Dispose();
        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(dir.Path, new WalOptions { GroupId = 7 }));
        Assert.Contains("group 0", error.Message, StringComparison.Ordinal);
    }
}

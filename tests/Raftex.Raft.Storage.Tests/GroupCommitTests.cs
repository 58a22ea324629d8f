namespace Raftex.Raft.Storage.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Concurrent_appends_are_all_durable_and_share_fsyncs()
    {
        using var dir = new TempDirectory();
        const int producers = 32;
        const int appendsEach = 40;
        var (log, _) = WriteAheadLog.Open(dir.Path);
        var gate = new object();
        long next = 1;
        var syncsBefore = log.SyncCount;

        async Task Produce(int producer)
        {
            for (var n = 0; n < appendsEach; n++)
            {
                ValueTask durable;
                // The index is assigned and queued under one lock, as the Raft leader does, so queue order is index order.
                lock (gate)
                {
                    durable = log.AppendAsync(Log.Entry(next++, 1, $"p{producer}-n{n}"));
                }

                await durable;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() => Produce(p))));
        var syncs = log.SyncCount - syncsBefore;
        Assert.Equal(producers * appendsEach, log.AppendCount);
        Assert.Equal(producers * appendsEach, log.EntriesWritten);
        Assert.True(syncs < producers * appendsEach, $"{syncs} fsyncs for {producers * appendsEach} appends: no batching");
        Assert.True(syncs >= 1);
        Assert.Equal(syncs, log.BatchCount);

        // Durable means: a crash now loses nothing. Copy the files as they are (no close, no flush) and replay them.
        var copy = dir.Sub("copy");
        Log.CopyDirectory(dir.Path, copy);
        log.Dispose();
        var (replayed, recovery) = WriteAheadLog.Open(copy);
        using (replayed)
        {
            Assert.Equal(producers * appendsEach, recovery.Entries.Count);
            Assert.Equal(Enumerable.Range(1, producers * appendsEach).Select(i => (long)i), recovery.Entries.Select(e => e.Index));
            for (var p = 0; p < producers; p++)
            {
                Assert.Equal(appendsEach, recovery.Entries.Count(e => System.Text.Encoding.UTF8.GetString(e.Data.Span).StartsWith($"p{p}-", StringComparison.Ordinal)));
            }
        }
    }

    [Fact]
    public async Task Appends_queued_behind_a_running_write_are_made_durable_by_at_most_two_fsyncs()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            const int appends = 100;
            var pending = new Task[appends];
            var syncsBefore = log.SyncCount;
            using (log.HoldWrites())
            {
                // The flusher can take at most the first few appends before it blocks on the held lock;
                // everything else queues up and goes out in one more batch.
                for (var i = 0; i < appends; i++)
                {
                    pending[i] = log.AppendAsync(Log.Entry(i + 1, 1)).AsTask();
                }

                Assert.All(pending, t => Assert.False(t.IsCompleted));
            }

            await Task.WhenAll(pending);
            Assert.InRange(log.SyncCount - syncsBefore, 1, 2);
            Assert.Equal(appends, log.EntriesWritten);
        }
    }

    [Fact]
    public async Task An_invalid_append_fails_alone_while_the_rest_of_the_batch_is_written()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            var first = log.AppendAsync(null, Log.Entries(1, 3, 1));
            var gap = log.AppendAsync(null, [Log.Entry(10, 1)]);
            var third = log.AppendAsync(new HardState(1, 1, 4), Log.Entries(4, 5, 1));

            await first;
            var error = await Assert.ThrowsAsync<ArgumentException>(async () => await gap);
            Assert.Contains("gap", error.Message, StringComparison.Ordinal);
            await third;
            Assert.Equal(5, log.LastIndex);
        }

        var (reopened, recovery) = WriteAheadLog.Open(dir.Path);
        using (reopened)
        {
            Assert.Equal(Log.Describe(Log.Entries(1, 5, 1)), Log.Describe(recovery.Entries));
            Assert.Equal(new HardState(1, 1, 4), recovery.HardState);
        }
    }

    [Fact]
    public async Task Async_appends_and_direct_saves_interleave_in_one_log()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            log.Save(new HardState(1, 1, 0), Log.Entries(1, 2, 1));
            log.Sync();
            await log.AppendAsync(null, Log.Entries(3, 4, 1));
            log.Save(null, Log.Entries(5, 6, 1));
            log.Sync();
            await log.AppendAsync(Log.Entry(7, 1));
        }

        var (reopened, recovery) = WriteAheadLog.Open(dir.Path);
        using (reopened)
        {
            Assert.Equal(Log.Describe(Log.Entries(1, 7, 1)), Log.Describe(recovery.Entries));
        }
    }

    [Fact]
    public async Task Appends_after_dispose_are_refused()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        await log.AppendAsync(Log.Entry(1, 1));
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => log.AppendAsync(Log.Entry(2, 1)));
        Assert.Throws<ObjectDisposedException>(() => log.Save(null, [Log.Entry(2, 1)]));
    }

    [Fact]
    public async Task A_cancelled_token_keeps_the_append_out_of_the_log()
    {
        using var dir = new TempDirectory();
        var (log, _) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await log.AppendAsync(Log.Entry(1, 1), cancelled.Token));
            Assert.Equal(0, log.LastIndex);
        }
    }
}

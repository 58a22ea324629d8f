using System.Diagnostics;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Bench.Wal;

/// <summary>What one setting (a number of concurrent producers) measured.</summary>
internal sealed record WalRunResult(int Producers, long Appends, long Fsyncs, double Seconds, double P50Ms, double P99Ms, double MaxMs)
{
    /// <summary>Entries replayed by reopening the log after the run, and how long that took.</summary>
    public (long Entries, long Bytes, double Seconds) Recovery { get; init; }

    public double AppendsPerSecond => Appends / Seconds;

    public double FsyncsPerSecond => Fsyncs / Seconds;

    public double AverageBatch => Fsyncs == 0 ? 0 : (double)Appends / Fsyncs;
}

/// <summary>
/// Producers that each append one entry at a time and await its durability, against one log in a fresh
/// temporary directory, for a fixed duration.
/// </summary>
internal static class WalRun
{
    public static async Task<WalRunResult> RunAsync(int producers, TimeSpan duration, int entryBytes, WalOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), "raftex-bench-wal", Guid.NewGuid().ToString("N"));
        try
        {
            var (log, _) = WriteAheadLog.Open(directory, options);
            using (log)
            {
                var payload = new byte[entryBytes];
                new Random(42).NextBytes(payload);
                var gate = new object();
                long next = 1;
                var latencies = new List<long>[producers];
                using var stop = new CancellationTokenSource();

                async Task Produce(int producer)
                {
                    var own = latencies[producer] = new List<long>(1 << 14);
                    while (!stop.IsCancellationRequested)
                    {
                        var started = Stopwatch.GetTimestamp();
                        ValueTask durable;
                        // Index assignment and queueing under one lock, as a Raft leader does: queue order is index order.
                        lock (gate)
                        {
                            durable = log.AppendAsync(new Entry(next++, 1, EntryType.Normal, payload));
                        }

                        await durable;
                        own.Add(Stopwatch.GetTimestamp() - started);
                    }
                }

                var syncsBefore = log.SyncCount;
                var appendsBefore = log.AppendCount;
                var clock = Stopwatch.StartNew();
                var tasks = new Task[producers];
                for (var p = 0; p < producers; p++)
                {
                    var producer = p;
                    tasks[p] = Task.Run(() => Produce(producer));
                }

                stop.CancelAfter(duration);
                await Task.WhenAll(tasks);
                var seconds = clock.Elapsed.TotalSeconds;
                var appends = log.AppendCount - appendsBefore;
                var fsyncs = log.SyncCount - syncsBefore;

                var all = new List<long>();
                foreach (var own in latencies)
                {
                    all.AddRange(own);
                }

                all.Sort();
                double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
                double Percentile(double p) => all.Count == 0 ? 0 : Ms(all[Math.Min(all.Count - 1, (int)(p * all.Count))]);
                var result = new WalRunResult(producers, appends, fsyncs, seconds, Percentile(0.50), Percentile(0.99), all.Count == 0 ? 0 : Ms(all[^1]));
                var bytes = log.BytesWritten;
                log.Dispose();

                // How long a restart takes to replay what was just written.
                var replay = Stopwatch.StartNew();
                var (reopened, recovery) = WriteAheadLog.Open(directory, options);
                replay.Stop();
                reopened.Dispose();
                if (recovery.Entries.Count != appends)
                {
                    throw new InvalidOperationException($"replayed {recovery.Entries.Count} entries, but {appends} appends were acknowledged");
                }

                return result with { Recovery = (recovery.Entries.Count, bytes, replay.Elapsed.TotalSeconds) };
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}

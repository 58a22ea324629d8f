using System.Diagnostics;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Bench.Backup;

/// <summary>
/// The measured order flow: over order sessions, each worker places a resting order and cancels it, again and again,
/// so the book keeps its size; every completed command counts. Runs until <see cref="StopAsync"/>.
/// </summary>
internal sealed class OrderLoad
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private long _completed;
    private long _errors;
    private long _started;

    private OrderLoad(IReadOnlyList<string> addresses, long accounts, long firstClientOrderId)
    {
        _started = Stopwatch.GetTimestamp();
        _run = Task.WhenAll(Enumerable.Range(0, Loader.Sessions).Select(s => Task.Run(async () =>
        {
            await using var session = new OrderSessionClient(new ExchangeClientOptions { Addresses = [addresses[s % addresses.Count]], RetryBudget = TimeSpan.FromSeconds(60) });
            await session.OpenAsync();
            await Task.WhenAll(Enumerable.Range(0, Loader.PerSession).Select(w => Task.Run(async () =>
            {
                // Each worker has an account of its own, so its place/cancel pairs never interleave with another's.
                var account = 1 + (((s * Loader.PerSession) + w) % accounts);
                for (var id = firstClientOrderId; !_stop.IsCancellationRequested; id++)
                {
                    var order = Loader.Resting(account - 1, accounts);
                    order.ClientOrderId = (ulong)id;
                    var placed = await session.SendAsync(new SessionCommand { Submit = order });
                    Count(placed);
                    var cancelled = await session.SendAsync(new SessionCommand
                    {
                        Cancel = new CancelOrderRequest { Account = (ulong)account, RequestId = (ulong)(id + 500_000_000), OrigClientOrderId = (ulong)id },
                    });
                    Count(cancelled);
                }
            })));
        })));
    }

    public static OrderLoad Start(IReadOnlyList<string> addresses, long accounts, long firstClientOrderId) => new(addresses, accounts, firstClientOrderId);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Starts counting afresh (after a warm-up).</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _completed, 0);
        Interlocked.Exchange(ref _errors, 0);
        Interlocked.Exchange(ref _started, Stopwatch.GetTimestamp());
    }

    /// <summary>Commands per second since the start or the last <see cref="Reset"/>, and over how long.</summary>
    public (double PerSecond, TimeSpan Window, long Completed) Rate()
    {
        var window = Stopwatch.GetElapsedTime(Interlocked.Read(ref _started));
        var completed = Interlocked.Read(ref _completed);
        return (completed / window.TotalSeconds, window, completed);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }

    private void Count(ExecutionReport report)
    {
        if (report.ErrorCode != 0 || report.Reply.Outcome == Outcome.Rejected)
        {
            Interlocked.Increment(ref _errors);
        }
        else
        {
            Interlocked.Increment(ref _completed);
        }
    }
}

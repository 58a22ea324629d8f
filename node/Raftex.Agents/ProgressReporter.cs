using System.Globalization;

namespace Raftex.Agents;

/// <summary>The live progress line on stderr: phase, agents running, orders and their rate, fills, rejects, errors and p99 latency.</summary>
internal sealed class ProgressReporter(Fleet fleet, ProgressMode mode, TextWriter output, TimeProvider time)
{
    /// <summary>Writes until cancelled: once a second in place on a terminal, every 5 s as plain lines otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (mode == ProgressMode.Off)
        {
            return;
        }

        var inPlace = mode == ProgressMode.Auto && !Console.IsErrorRedirected;
        var period = TimeSpan.FromSeconds(inPlace ? 1 : 5);
        var started = time.GetTimestamp();
        long lastOrders = 0;
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var orders = fleet.Stats.TotalOrders;
                var line = Line(time.GetElapsedTime(started), orders, (orders - lastOrders) / period.TotalSeconds);
                lastOrders = orders;
                await output.WriteAsync(inPlace ? "\r" + line.PadRight(120) : line + "\n").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (inPlace)
            {
                await output.WriteAsync("\n").ConfigureAwait(false);
            }
        }
    }

    private string Line(TimeSpan elapsed, long orders, double rate) => string.Create(CultureInfo.InvariantCulture,
        $"[{elapsed.TotalSeconds,6:F0}s] {fleet.Phase,-10} agents {fleet.Running}/{fleet.Agents.Count}  orders {orders} ({rate:F0}/s)  fills {fleet.Stats.TotalFills}  rejects {fleet.Stats.Total(OrderOutcome.Rejected)}  errors {fleet.Stats.Total(OrderOutcome.Error)}  p99 {fleet.Stats.Latency.QuantileMs(0.99):F1} ms  resting {fleet.KnownOrders}");
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Raftex.Controllers;

/// <summary>The controller runtime's instruments on the "Raftex.Operator" meter; the operator exports them on /metrics.</summary>
public static class OperatorMetrics
{
    /// <summary>The meter name the operator's exporter listens to.</summary>
    public const string MeterName = "Raftex.Operator";

    internal static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<string, Func<int>> QueueDepths = new();

    /// <summary>Reconciles by kind and result (done, requeue, error).</summary>
    public static readonly Counter<long> ReconcilesTotal =
        Meter.CreateCounter<long>("raftex_operator_reconciles_total", description: "Reconciles by kind and result.");

    /// <summary>Reconcile duration by kind.</summary>
    public static readonly Histogram<double> ReconcileDurationSeconds =
        Meter.CreateHistogram<double>(
            "raftex_operator_reconcile_duration_seconds",
            unit: "s",
            description: "Time spent in one reconcile.",
            tags: null,
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            });

    /// <summary>Watch restarts by kind and reason (closed, gone, error).</summary>
    public static readonly Counter<long> WatchRestartsTotal =
        Meter.CreateCounter<long>("raftex_operator_watch_restarts_total", description: "Watches re-established, by kind and reason.");

    static OperatorMetrics()
    {
        Meter.CreateObservableGauge(
            "raftex_operator_queue_depth",
            ObserveQueueDepths,
            description: "Keys waiting in each controller's work queue.");
    }

    /// <summary>Reports the depth of a controller's queue under <paramref name="kind"/> until the returned handle is disposed.</summary>
    public static IDisposable RegisterQueue(string kind, Func<int> depth)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(depth);
        QueueDepths[kind] = depth;
        return new Registration(kind, depth);
    }

    internal static void RecordReconcile(string kind, string result, double seconds)
    {
        var tags = new TagList { { "kind", kind }, { "result", result } };
        ReconcilesTotal.Add(1, tags);
        ReconcileDurationSeconds.Record(seconds, new KeyValuePair<string, object?>("kind", kind));
    }

    internal static void RecordWatchRestart(string kind, string reason) =>
        WatchRestartsTotal.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("reason", reason));

    private static IEnumerable<Measurement<int>> ObserveQueueDepths()
    {
        foreach (var (kind, depth) in QueueDepths)
        {
            yield return new Measurement<int>(depth(), new KeyValuePair<string, object?>("kind", kind));
        }
    }

    private sealed class Registration(string kind, Func<int> depth) : IDisposable
    {
        public void Dispose() => QueueDepths.TryRemove(new KeyValuePair<string, Func<int>>(kind, depth));
    }
}

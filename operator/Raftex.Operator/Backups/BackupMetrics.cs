using System.Diagnostics.Metrics;
using Raftex.Controllers;

namespace Raftex.Operator.Backups;

/// <summary>Backup instruments on the operator's meter (exported with the controller runtime's on /metrics).</summary>
public static class BackupMetrics
{
    private static readonly Meter Meter = new(OperatorMetrics.MeterName);
    private static readonly Lock Gate = new();
    private static long _lastSize = -1;
    private static double _lastSeconds = -1;

    /// <summary>Backups Completed.</summary>
    public static readonly Counter<long> CompletedTotal =
        Meter.CreateCounter<long>("raftex_backups_completed_total", description: "ExchangeBackups written and verified.");

    /// <summary>Backups Failed, by reason (the failed check).</summary>
    public static readonly Counter<long> FailedTotal =
        Meter.CreateCounter<long>("raftex_backups_failed_total", description: "ExchangeBackups that failed, by reason (the check that failed).");

    static BackupMetrics()
    {
        Meter.CreateObservableGauge("raftex_backup_last_size_bytes", ObserveSize, unit: "By",
            description: "Bytes of snapshot data of the last Completed backup.");
        Meter.CreateObservableGauge("raftex_backup_last_duration_seconds", ObserveSeconds, unit: "s",
            description: "Time the last Completed backup took, from start to verified.");
    }

    /// <summary>Counts a Completed backup and remembers its size and duration.</summary>
    public static void RecordCompleted(long size, TimeSpan duration)
    {
        CompletedTotal.Add(1);
        lock (Gate)
        {
            _lastSize = size;
            _lastSeconds = duration.TotalSeconds;
        }
    }

    /// <summary>Counts a Failed backup.</summary>
    public static void RecordFailed(string reason) => FailedTotal.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static IEnumerable<Measurement<long>> ObserveSize()
    {
        long v;
        lock (Gate)
        {
            v = _lastSize;
        }

        return v < 0 ? [] : [new Measurement<long>(v)];
    }

    private static IEnumerable<Measurement<double>> ObserveSeconds()
    {
        double v;
        lock (Gate)
        {
            v = _lastSeconds;
        }

        return v < 0 ? [] : [new Measurement<double>(v)];
    }
}

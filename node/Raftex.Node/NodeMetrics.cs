using System.Diagnostics;
using System.Diagnostics.Metrics;
using Raftex.Exchange;

namespace Raftex.Node;

/// <summary>The node's metrics (meter "Raftex.Node"), exported in Prometheus text by OpenTelemetry on /metrics.</summary>
internal sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "Raftex.Node";

    /// <summary>Bucket boundaries in seconds, 50 µs to 10 s (OpenTelemetry's defaults are meant for milliseconds).</summary>
    public static readonly double[] SecondsBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _leaderChanges;
    private readonly Counter<long> _proposals;
    private readonly Counter<long> _orders;
    private readonly Counter<long> _trades;
    private readonly Counter<long> _diskFullEpisodes;
    private readonly Counter<long> _clientCallsEnded;
    private static readonly KeyValuePair<string, object?>[] CompleteRecordTag = [new("record", "complete")];
    private static readonly KeyValuePair<string, object?>[] CutShortRecordTag = [new("record", "cut_short")];
    private Raftex.Raft.Storage.WalTornTail? _tornTail;
    private static readonly KeyValuePair<string, object?>[] CancelledTag = [new("reason", "cancelled")];
    private static readonly KeyValuePair<string, object?>[] DeadlineTag = [new("reason", "deadline_exceeded")];
    private readonly Histogram<double> _append;
    private readonly Histogram<double> _fsync;
    private readonly Histogram<double> _orderLatency;
    private static readonly KeyValuePair<string, object?>[][] OutcomeTags =
        [.. Enumerable.Range(0, 8).Select(i => new[] { new KeyValuePair<string, object?>("outcome", ((ResultCode)i).ToString().ToLowerInvariant()) })];

    public NodeMetrics()
    {
        _leaderChanges = _meter.CreateCounter<long>("raftex_leader_changes", description: "Leader changes seen by this node");
        _proposals = _meter.CreateCounter<long>("raftex_proposals", description: "Entries proposed by this node as leader");
        _orders = _meter.CreateCounter<long>("raftex_commands_applied", description: "Commands applied, by outcome");
        _trades = _meter.CreateCounter<long>("raftex_trades", description: "Trades applied");
        _diskFullEpisodes = _meter.CreateCounter<long>("raftex_disk_full_episodes", description: "Times a write failed because the disk was full");
        _clientCallsEnded = _meter.CreateCounter<long>("raftex_client_calls_ended", description: "Calls the client cancelled or let run past their deadline, by reason");
        // Observable: the replay happens before the exporter listens, and an Add then would be lost.
        _meter.CreateObservableCounter(
            "raftex_wal_torn_tail_bytes", () => Volatile.Read(ref _tornTail)?.Bytes ?? 0, "By", "Bytes cut from the end of the WAL when it was replayed at startup");
        _meter.CreateObservableCounter(
            "raftex_wal_torn_tail_records",
            () =>
            {
                var torn = Volatile.Read(ref _tornTail);
                return new Measurement<long>[]
                {
                    new(torn?.CompleteRecords ?? 0, CompleteRecordTag),
                    new(torn is null ? 0 : torn.Records - torn.CompleteRecords, CutShortRecordTag),
                };
            },
            description: "Records cut from the end of the WAL at startup: cut short (an interrupted write) or complete (damage after the write)");
        _append = _meter.CreateHistogram<double>("raftex_wal_append_seconds", "s", "Time to write one Ready batch to the WAL (before fsync)");
        _fsync = _meter.CreateHistogram<double>("raftex_wal_fsync_seconds", "s", "Time of one WAL fsync");
        _orderLatency = _meter.CreateHistogram<double>("raftex_order_latency_seconds", "s", "Proposal to applied, on the leader");
    }

    public Meter Meter => _meter;

    public void LeaderChanged() => _leaderChanges.Add(1);

    public void Proposed(int count) => _proposals.Add(count);

    public void DiskFullEntered() => _diskFullEpisodes.Add(1);

    public void ClientCallEnded(bool deadlineExceeded) => _clientCallsEnded.Add(1, deadlineExceeded ? DeadlineTag : CancelledTag);

    /// <summary>Records what replay cut from the WAL's end at startup (the counters read zero when nothing was).</summary>
    public void TornTail(Raftex.Raft.Storage.WalTornTail? torn) => Volatile.Write(ref _tornTail, torn);

    public void AppendTook(long startTimestamp) => _append.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);

    public void FsyncTook(long startTimestamp) => _fsync.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);

    public void RecordApplied(ApplyResult r)
    {
        var code = (int)r.Code;
        _orders.Add(1, code < OutcomeTags.Length ? OutcomeTags[code] : OutcomeTags[0]);
        if (r.TradeCount > 0)
        {
            _trades.Add(r.TradeCount);
        }
    }

    public void OrderLatency(long startTimestamp, CommandType command)
    {
        if (command is CommandType.PlaceOrder or CommandType.CancelOrder or CommandType.ReplaceOrder)
        {
            _orderLatency.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
        }
    }

    public void Dispose() => _meter.Dispose();
}

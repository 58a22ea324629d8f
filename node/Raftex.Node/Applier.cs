using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Raftex.Exchange;
using Raftex.Protocol.V1;
using Raftex.Raft;

namespace Raftex.Node;

/// <summary>
/// The apply loop: one thread feeding committed entries to the exchange state machine, completing proposals, serving
/// reads at their read index, recording state-hash checkpoints and taking snapshots. The state machine is touched only here.
/// </summary>
internal sealed class Applier
{
    public const int CheckpointsKept = 64;

    private readonly Channel<object> _work = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, (long Term, ProposalWaiter Waiter)> _pending;
    private readonly ExchangeConfig _config;
    private readonly long _checkpointInterval;
    private readonly long _snapshotThreshold;
    private readonly Action<long, ConfState, byte[]> _snapshotTaken;
    private readonly NodeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ApplyResult _result = new();
    private readonly List<(long Index, Action<ExchangeStateMachine?, string?> Read)> _reads = [];
    private readonly Queue<StateHashCheckpoint> _checkpoints = new();
    private ExchangeStateMachine _machine;
    private ConfState _confState;
    private long _applied;
    private long _logTime;
    private int _sessionCount;
    private long _sessionBytes;
    private long _lastSnapshotIndex;
    private AppliedEntryFormat _entryFormat;
    private Thread? _thread;

    public Applier(
        ExchangeConfig config, ExchangeStateMachine machine, long applied, ConfState confState, long checkpointInterval, long snapshotThreshold,
        ConcurrentDictionary<long, (long Term, ProposalWaiter Waiter)> pending, Action<long, ConfState, byte[]> snapshotTaken, NodeMetrics metrics, ILogger logger)
    {
        _config = config;
        _machine = machine;
        _applied = applied;
        PublishState(machine);
        _lastSnapshotIndex = applied;
        _confState = confState;
        _checkpointInterval = checkpointInterval;
        _snapshotThreshold = snapshotThreshold;
        _pending = pending;
        _snapshotTaken = snapshotTaken;
        _metrics = metrics;
        _logger = logger;
        StateHash = machine.StateHash;
        _entryFormat = new AppliedEntryFormat(machine.EntryFormatVersion, machine.EntryFormatIndex);
    }

    public long Applied => Volatile.Read(ref _applied);

    /// <summary>The applied state's log time: the stamp of the last applied command (never goes back).</summary>
    public long LogTime => Volatile.Read(ref _logTime);

    /// <summary>Live client sessions in the applied state.</summary>
    public int SessionCount => Volatile.Read(ref _sessionCount);

    /// <summary>Bytes of memory the applied state holds for sessions.</summary>
    public long SessionBytes => Volatile.Read(ref _sessionBytes);

    public ulong StateHash { get; private set; }

    /// <summary>
    /// The entry format version the applied state machine holds (replicated; starts at 1). The leader stamps proposals with
    /// it, so a raise takes effect on the leader once the raise itself is applied there.
    /// </summary>
    public byte EntryFormatVersion => Volatile.Read(ref _entryFormat).Version;

    /// <summary>The version in force together with the index that set it (one consistent pair).</summary>
    public AppliedEntryFormat EntryFormat => Volatile.Read(ref _entryFormat);

    /// <summary>Why applying stopped (an entry this binary cannot apply), or null.</summary>
    public string? Halted { get; private set; }

    public TradeLog Trades { get; } = new();

    public StateHashCheckpoint[] Checkpoints()
    {
        lock (_checkpoints)
        {
            return [.. _checkpoints];
        }
    }

    public void Start()
    {
        _thread = new Thread(Run) { Name = "raftex-apply", IsBackground = true };
        _thread.Start();
    }

    public void Stop()
    {
        _work.Writer.TryComplete();
        _thread?.Join();
    }

    /// <summary>Committed entries, with the membership in force after each membership change among them.</summary>
    public void Enqueue(IReadOnlyList<Entry> entries, IReadOnlyList<(long Index, ConfState State)> confStates) =>
        _work.Writer.TryWrite(new EntriesItem(entries, confStates));

    public void EnqueueInstall(Raftex.Raft.Snapshot snapshot) => _work.Writer.TryWrite(snapshot);

    /// <summary>Runs <paramref name="read"/> on the apply thread once applied ≥ index (index 0: at once). The machine is null if applying has halted.</summary>
    public void EnqueueRead(long index, Action<ExchangeStateMachine?, string?> read) => _work.Writer.TryWrite(new ReadItem(index, read));

    /// <summary>Takes a snapshot at the applied index now.</summary>
    public Task<long> SnapshotNowAsync()
    {
        var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Writer.TryWrite(tcs);
        return tcs.Task;
    }

    private void Run()
    {
        var reader = _work.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    Handle(item);
                }
                catch (Exception ex)
                {
                    // Applying must never silently diverge: stop and say why.
                    Halted = $"apply failed at index {_applied + 1}: {ex.Message}";
                    _logger.LogCritical(ex, "Applying stopped: {Reason}", Halted);
                }
            }

            ServeReads();
            if (Halted is null && _applied - _lastSnapshotIndex >= _snapshotThreshold)
            {
                TakeSnapshot();
            }
        }
    }

    private void Handle(object item)
    {
        switch (item)
        {
            case EntriesItem e:
                ApplyEntries(e);
                break;
            case Raftex.Raft.Snapshot s:
                Install(s);
                break;
            case ReadItem r:
                _reads.Add((r.Index, r.Read));
                break;
            case TaskCompletionSource<long> snap:
                snap.TrySetResult(Halted is null && _applied > _lastSnapshotIndex ? TakeSnapshot() : _lastSnapshotIndex);
                break;
            default:
                throw new InvalidOperationException($"unknown apply item {item.GetType()}");
        }
    }

    private void ApplyEntries(EntriesItem item)
    {
        var c = 0;
        foreach (var entry in item.Entries)
        {
            if (entry.Index <= _applied)
            {
                continue;
            }

            if (Halted is not null)
            {
                FailPending(entry.Index, StatusCode.FailedPrecondition, Halted);
                continue;
            }

            while (c < item.ConfStates.Count && item.ConfStates[c].Index <= entry.Index)
            {
                _confState = item.ConfStates[c++].State;
            }

            if (entry.Type == EntryType.ConfChange || entry.Data.IsEmpty)
            {
                Volatile.Write(ref _applied, entry.Index);
                CompleteEmpty(entry);
            }
            else if (!CommandCodec.CanApply(entry.Data.Span, out var why))
            {
                // Rejecting here alone would diverge from replicas that can apply it (or hold an undamaged copy): stop instead.
                Halted = $"entry {entry.Index} cannot be applied: {why}";
                _logger.LogCritical("Applying stopped: {Reason}", Halted);
                FailPending(entry.Index, StatusCode.FailedPrecondition, Halted);
                continue;
            }
            else
            {
                _machine.Apply(entry.Index, entry.Data.Span, _result);
                PublishState(_machine);
                Volatile.Write(ref _applied, entry.Index);
                StateHash = _machine.StateHash;
                if (_result.Command == CommandType.SetEntryFormat)
                {
                    PublishEntryFormat();
                }

                Record(entry);
            }

            if (entry.Index % _checkpointInterval == 0)
            {
                lock (_checkpoints)
                {
                    _checkpoints.Enqueue(new StateHashCheckpoint { Index = (ulong)entry.Index, StateHash = _machine.StateHash });
                    while (_checkpoints.Count > CheckpointsKept)
                    {
                        _checkpoints.Dequeue();
                    }
                }
            }
        }

        while (c < item.ConfStates.Count)
        {
            _confState = item.ConfStates[c++].State;
        }
    }

    private void CompleteEmpty(Entry entry)
    {
        if (_pending.TryRemove(entry.Index, out var p))
        {
            if (p.Term == entry.Term)
            {
                p.Waiter.Complete(new CommandReply { LogIndex = (ulong)entry.Index });
            }
            else
            {
                p.Waiter.Fail(StatusCode.Unavailable, $"leadership changed: entry {entry.Index} was replaced, the proposal was not committed");
            }
        }
    }

    private void Record(Entry entry)
    {
        var r = _result;
        _metrics.RecordApplied(r);
        if (r.TradeCount > 0)
        {
            Trades.Add(r.Trades, entry.Index);
        }

        if (_pending.TryRemove(entry.Index, out var p))
        {
            if (p.Term != entry.Term)
            {
                p.Waiter.Fail(StatusCode.Unavailable, $"leadership changed: entry {entry.Index} was replaced, the proposal was not committed");
                return;
            }

            p.Waiter.Complete(Replies.From(r));
            _metrics.OrderLatency(p.Waiter.StartedAt, r.Command);
        }
    }

    private void FailPending(long index, StatusCode code, string message)
    {
        if (_pending.TryRemove(index, out var p))
        {
            p.Waiter.Fail(code, message);
        }
    }

    private void Install(Raftex.Raft.Snapshot snapshot)
    {
        var index = snapshot.Metadata.Index;
        if (index <= _applied)
        {
            return;
        }

        _machine = snapshot.Data.IsEmpty
            ? new ExchangeStateMachine(_config)
            : ExchangeStateMachine.Restore(new MemoryStream(snapshot.Data.ToArray(), writable: false));
        _confState = snapshot.Metadata.ConfState;
        PublishState(_machine);
        Volatile.Write(ref _applied, index);
        _lastSnapshotIndex = index;
        StateHash = _machine.StateHash;
        PublishEntryFormat();
        _logger.LogInformation("Installed snapshot at index {Index}", index);
    }

    /// <summary>What other threads may read of the applied state without touching the machine.</summary>
    private void PublishState(ExchangeStateMachine machine)
    {
        Volatile.Write(ref _logTime, machine.LogTime);
        Volatile.Write(ref _sessionCount, machine.SessionCount);
        Volatile.Write(ref _sessionBytes, machine.SessionBytes);
    }

    private void PublishEntryFormat()
    {
        if (_entryFormat.Version != _machine.EntryFormatVersion || _entryFormat.Index != _machine.EntryFormatIndex)
        {
            Volatile.Write(ref _entryFormat, new AppliedEntryFormat(_machine.EntryFormatVersion, _machine.EntryFormatIndex));
            _logger.LogInformation("Entry format version {Version} in force (set at index {Index})", _machine.EntryFormatVersion, _machine.EntryFormatIndex);
        }
    }

    private long TakeSnapshot()
    {
        using var stream = new MemoryStream();
        _machine.WriteSnapshot(stream);
        _lastSnapshotIndex = _applied;
        _snapshotTaken(_applied, _confState, stream.ToArray());
        return _applied;
    }

    private void ServeReads()
    {
        if (_reads.Count == 0)
        {
            return;
        }

        for (var i = _reads.Count - 1; i >= 0; i--)
        {
            var (index, read) = _reads[i];
            if (Halted is not null)
            {
                read(null, Halted);
                _reads.RemoveAt(i);
            }
            else if (index <= _applied)
            {
                read(_machine, null);
                _reads.RemoveAt(i);
            }
        }
    }

    private sealed record EntriesItem(IReadOnlyList<Entry> Entries, IReadOnlyList<(long Index, ConfState State)> ConfStates);

    private sealed record ReadItem(long Index, Action<ExchangeStateMachine?, string?> Read);
}

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Raftex.Exchange;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Node;

/// <summary>
/// Drives one <see cref="RaftNode"/> from a single loop thread: ticks from the clock, inbound peer messages, proposals
/// from a bounded queue and control actions; persists each Ready to the WAL with one fsync (leader appends go out before
/// it, votes and acks only after it), hands committed entries to the <see cref="Applier"/>, and answers ReadIndex requests.
/// </summary>
internal sealed partial class RaftHost : IDisposable
{
    private readonly NodeOptions _options;
    private readonly DataDirectory _data;
    private readonly PeerTransport _transport;
    private readonly FaultSet _faults;
    private readonly NodeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly MemoryStorage _storage = new();
    private readonly RaftNode _raft;
    private readonly Channel<Proposal> _proposals;
    private readonly ConcurrentQueue<Message> _inbox = new();
    private readonly ConcurrentQueue<Action<RaftNode>> _actions = new();
    private readonly ConcurrentDictionary<long, (long Term, ProposalWaiter Waiter)> _pending = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<long>> _reads = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread _thread;
    private readonly byte[] _readContext = new byte[8];
    private int _signalled;
    private long _nextReadId;
    private readonly StampingClock _stamping = new();
    private readonly long _monotonicOrigin = Stopwatch.GetTimestamp();
    private long _lastLogTime;
    private long _lastStampIndex;
    private bool _anchorPending;
    private volatile bool _stopping;
    private volatile RaftView _view = RaftView.Initial;
    private CancellationTokenSource _leadership = new();

    public RaftHost(NodeOptions options, DataDirectory data, ExchangeConfig exchange, PeerTransport transport, FaultSet faults, NodeMetrics metrics, ILogger logger)
    {
        _options = options;
        _data = data;
        _transport = transport;
        _faults = faults;
        _metrics = metrics;
        _logger = logger;
        _proposals = Channel.CreateBounded<Proposal>(new BoundedChannelOptions(options.ProposalQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        var (machine, applied, confState) = Restore(exchange);
        _raft = new RaftNode(new RaftConfig
        {
            NodeId = options.NodeId,
            ElectionTicks = options.ElectionTicks,
            HeartbeatTicks = options.HeartbeatTicks,
            Storage = _storage,
            Applied = applied,
            Random = new Random(unchecked((int)(options.NodeId * 7919) ^ Environment.TickCount)),
            MaxSizePerMessage = 4 * 1024 * 1024,
            MaxInflightMessages = 1024,
            MaxUncommittedEntriesBytes = 64 * 1024 * 1024,
        });
        Applier = new Applier(exchange, machine, applied, confState, options.CheckpointInterval, options.SnapshotThreshold, _pending, OnSnapshotTaken, metrics, logger);
        transport.Deliver = Deliver;
        transport.Membership = () => _view.ConfState;
        transport.IsLeader = () => _view.IsLeader;
        Publish();
        _thread = new Thread(Loop) { Name = "raftex-raft", IsBackground = true };

        var meter = metrics.Meter;
        meter.CreateObservableGauge("raftex_term", () => _view.Term, description: "Current Raft term");
        meter.CreateObservableGauge("raftex_role", () => (int)_view.Role, description: "0 follower, 1 pre-candidate, 2 candidate, 3 leader");
        meter.CreateObservableGauge("raftex_commit_index", () => _view.Commit, description: "Commit index");
        meter.CreateObservableGauge("raftex_applied_index", () => Applier.Applied, description: "Applied index");
        meter.CreateObservableGauge("raftex_active_faults", () => _faults.ActiveCount, description: "Transport faults in force");
        meter.CreateObservableGauge("raftex_sessions", () => Applier.SessionCount, description: "Live client sessions in the applied state");
        meter.CreateObservableGauge("raftex_session_bytes", () => Applier.SessionBytes, "By", "Bytes of memory the applied state holds for client sessions");
        meter.CreateObservableGauge("raftex_wal_disk_bytes", () => _data.Wal.BytesOnDisk, "By", "Bytes the WAL directory's files take on disk (preallocated space included)");
        meter.CreateObservableGauge("raftex_snapshot_disk_bytes", () => _data.Snapshots.BytesOnDisk, "By", "Bytes the snapshot directory's files take on disk");
        meter.CreateObservableGauge("raftex_disk_full", () => _diskFull is null ? 0 : 1, description: "1 while the data directory is full and writes are refused");
        meter.CreateObservableGauge("raftex_voters", () => _view.ConfState.Voters.Count, description: "Voters in the Raft configuration this node knows");
        // The newest state-hash checkpoint, so that monitoring can compare members at equal indexes (a divergence alert).
        // The hash is cut to its top 53 bits: Prometheus stores float64, which holds those exactly.
        meter.CreateObservableGauge("raftex_state_hash_checkpoint_index", () => (long)(LastCheckpoint()?.Index ?? 0),
            description: "Applied index of the newest state-hash checkpoint");
        meter.CreateObservableGauge("raftex_state_hash_checkpoint", () => (long)((LastCheckpoint()?.StateHash ?? 0UL) >> 11),
            description: "State hash at the newest checkpoint (top 53 bits)");
    }

    public Applier Applier { get; }

    private Raftex.Protocol.V1.StateHashCheckpoint? LastCheckpoint()
    {
        var checkpoints = Applier.Checkpoints();
        return checkpoints.Length == 0 ? null : checkpoints[^1];
    }

    public RaftView View => _view;

    /// <summary>Called on the loop thread when a membership removal is applied (the member's pinned incarnation is forgotten).</summary>
    public Action<long>? MemberRemoved { get; set; }

    public long NodeId => _options.NodeId;

    /// <summary>Cancelled when this node stops leading (sessions hosted here end then).</summary>
    public CancellationToken LeadershipToken => Volatile.Read(ref _leadership).Token;

    public void Start()
    {
        Applier.Start();
        _thread.Start();
    }

    /// <summary>Runs an action on the Raft loop thread.</summary>
    public void Enqueue(Action<RaftNode> action)
    {
        _actions.Enqueue(action);
        Signal();
    }

    private void Deliver(Message m)
    {
        _inbox.Enqueue(m);
        Signal();
    }

    /// <summary>A linearizable read point (ReadIndex, thesis §6.4). Fails with UNAVAILABLE when no leader is known or it does not answer in time.</summary>
    public async Task<long> ReadIndexAsync(CancellationToken cancellationToken)
    {
        if (_view.Leader == 0)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "no leader known: cannot serve a linearizable read (use stale to read this node's state)"));
        }

        if (_diskFull is { } full)
        {
            // The read index needs this node's Raft messages, which wait for the disk.
            throw new RpcException(new Status(StatusCode.Unavailable, $"node {_options.NodeId}: {full}; linearizable reads go to another node (or use stale)"));
        }

        var id = Interlocked.Increment(ref _nextReadId);
        var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reads[id] = tcs;
        Enqueue(raft =>
        {
            var context = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(context, id);
            raft.ReadIndex(context);
        });
        try
        {
            // A ReadIndex can be lost with a leader change; don't wait past a couple of election timeouts for it.
            return await tcs.Task.WaitAsync(TimeSpan.FromMilliseconds(_options.ElectionMs * 2L), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the leader did not confirm the read index in time"));
        }
        finally
        {
            _reads.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Reads the applied state on the apply thread: at a linearizable read index, or as it is now when <paramref name="stale"/>.
    /// An <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/> from <paramref name="read"/> is INVALID_ARGUMENT.
    /// </summary>
    public async Task<T> ReadAsync<T>(bool stale, Func<ExchangeStateMachine, long, T> read, CancellationToken cancellationToken)
    {
        var index = stale ? 0 : await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Applier.EnqueueRead(index, (machine, halted) =>
        {
            if (machine is null)
            {
                tcs.TrySetException(new RpcException(new Status(StatusCode.FailedPrecondition, halted ?? "applying has stopped")));
                return;
            }

            try
            {
                tcs.TrySetResult(read(machine, Applier.Applied));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                tcs.TrySetException(new RpcException(new Status(StatusCode.InvalidArgument, ex.Message)));
            }
        });
        return await tcs.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the loop (after a leadership hand-off when leading), flushes the WAL.</summary>
    public async Task StopAsync(bool transferLeadership)
    {
        // A node stalled on a full disk cannot send the hand-off; the others elect a leader as they already must.
        if (transferLeadership && _view.IsLeader && _diskFull is null)
        {
            var target = BestFollower();
            if (target != 0)
            {
                _logger.LogInformation("Shutting down: handing leadership to node {Target}", target);
                Enqueue(raft => raft.TransferLeadership(target));
                var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3L * _options.ElectionMs / 1000;
                while (_view.IsLeader && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(_options.HeartbeatMs / 2 + 1).ConfigureAwait(false);
                }

                // Let the new leader learn our commit index via its first heartbeat round before we go.
                var settle = Stopwatch.GetTimestamp() + Stopwatch.Frequency * _options.HeartbeatMs * 2 / 1000;
                while (!_view.IsLeader && _view.Leader != target && Stopwatch.GetTimestamp() < settle)
                {
                    await Task.Delay(_options.HeartbeatMs / 2 + 1).ConfigureAwait(false);
                }

                _logger.LogInformation("Leadership hand-off done: leader is now {Leader}", _view.Leader);
            }
        }

        _stopping = true;
        Signal();
        _thread.Join();
        Applier.Stop();
        FailAllPending(StatusCode.Unavailable, "node is shutting down");
    }

    /// <summary>The voter with the highest match index, other than this node (0 if none).</summary>
    public long BestFollower()
    {
        var view = _view;
        long best = 0, bestMatch = -1;
        foreach (var (id, pr) in view.Progress)
        {
            if (id != _options.NodeId && !pr.IsLearner && view.ConfState.IsVoter(id) && pr.Match > bestMatch)
            {
                best = id;
                bestMatch = pr.Match;
            }
        }

        return best;
    }

    private void Signal()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _signal.Release();
        }
    }

    public void Dispose()
    {
        _signal.Dispose();
        _leadership.Dispose();
    }
}

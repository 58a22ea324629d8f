using System.Diagnostics;
using Grpc.Core;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Node;

/// <summary>
/// Riding out a full disk. A write that fails for lack of space leaves the Ready it belonged to un-advanced: Raft gets
/// nothing more from this node until that Ready is durable. Meanwhile the loop keeps ticking and stepping inbound
/// messages, client writes are refused with RESOURCE_EXHAUSTED, status and stale reads are served from the applied
/// state, and every retry interval the WAL is replayed from disk (which cuts the record the failure tore) and the
/// Ready written again. Once it is durable the node carries on where it stopped: nothing acknowledged is lost and
/// nothing unsynced is acknowledged.
/// </summary>
/// <remarks>
/// While stalled the node sends no Raft messages, so a leader stops heartbeating and the others elect a new one
/// after an election timeout; a follower simply falls behind and catches up after. A local snapshot that does not fit
/// is deferred and written once there is room (the log it would compact is what filled the disk). Other I/O errors
/// stay fail-stop.
/// </remarks>
internal sealed partial class RaftHost
{
    private StalledReady? _stall;
    private volatile string? _diskFull;
    private DeferredSnapshot? _deferredSnapshot;

    /// <summary>Why writes are refused because the disk is full, or null while it is not.</summary>
    public string? DiskFullReason => _diskFull;

    private TimeSpan StallRetryInterval => TimeSpan.FromMilliseconds(Math.Max(50, _options.ElectionMs / 2));

    /// <summary>Queues a proposal; the refusal to answer with when the node cannot take it (queue full, disk full).</summary>
    public Status? TryPropose(byte[] command, ProposalWaiter waiter)
    {
        if (DiskFullRefusal() is { } refusal)
        {
            return refusal;
        }

        if (!_proposals.Writer.TryWrite(new Proposal(command, waiter)))
        {
            return new Status(StatusCode.ResourceExhausted, "proposal queue is full; back off and retry");
        }

        Signal();
        return null;
    }

    /// <summary>While the disk is full: the RESOURCE_EXHAUSTED status every write here is refused with; otherwise null.</summary>
    public Status? DiskFullRefusal() => _diskFull is { } full
        ? new Status(StatusCode.ResourceExhausted, $"node {_options.NodeId} refuses writes: {full}; retry on another node or once space returns")
        : null;

    /// <summary>Stops taking Readys: <paramref name="ready"/> (null when only a local snapshot failed) is retried until durable.</summary>
    private void Stall(Ready? ready, bool inMemory, Exception cause)
    {
        var io = (Exception?)DiskFull.Find(cause) ?? cause;
        if (_stall is { } already)
        {
            // A second failure within one episode (a snapshot mark poisoned the log, then the fsync in flight failed
            // on it): one episode, one alarm, and the Ready that still has to be made durable.
            _stall = new StalledReady(ready ?? already.Ready, ready is null ? already.InMemory : inMemory, already.Since) { Attempts = already.Attempts };
            return;
        }

        _stall = new StalledReady(ready, inMemory, Stopwatch.GetTimestamp());
        _diskFull = $"disk full since {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} ({io.Message})";
        _metrics.DiskFullEntered();
        _logger.LogCritical(
            "Disk full in {DataDirectory}: {Reason}. Refusing writes; retrying every {Interval} ms until space returns",
            _data.Path, io.Message, (long)StallRetryInterval.TotalMilliseconds);
        FailAllPending(StatusCode.Unavailable, "the disk filled up before the command was durable here; outcome unknown, retry with the same ids", _raft.Status.Commit);
        EndHostedSessions();
    }

    /// <summary>Replays the WAL and writes the stalled Ready again; true once it is durable (the Ready is finished).</summary>
    private bool TryResume()
    {
        var stall = _stall!;
        var now = Stopwatch.GetTimestamp();
        if (now < stall.NextAttempt)
        {
            return false;
        }

        try
        {
            _data.ReopenWal();
            if (stall.Ready is { } ready)
            {
                Persist(ready);
            }

            _data.Wal.Sync();
        }
        catch (Exception e) when (DiskFull.IsCause(e))
        {
            stall.Attempts++;
            stall.NextAttempt = now + (long)(StallRetryInterval.TotalSeconds * Stopwatch.Frequency);
            return false;
        }

        _stall = null;
        _diskFull = null;
        if (_deferredSnapshot is { } deferred)
        {
            // Space is back: write the snapshot now, so the log that filled the disk is compacted at once.
            deferred.NextAttempt = now;
        }

        _logger.LogWarning(
            "Disk space returned after {Seconds:F1} s and {Attempts} attempt(s): the pending write is durable; accepting writes again",
            Stopwatch.GetElapsedTime(stall.Since).TotalSeconds, stall.Attempts + 1);
        if (stall.Ready is { } done)
        {
            if (!stall.InMemory)
            {
                Remember(done);
            }

            FinishReady(done);
        }

        return true;
    }

    /// <summary>
    /// Keeps a snapshot the disk had no room for, to write it later: the applier will not take another one for a whole
    /// snapshot threshold, and without it the log that filled the disk would stay uncompacted (and fill it again).
    /// <paramref name="created"/> is the snapshot once Raft's storage holds it (its file or mark could not be written).
    /// </summary>
    private void DeferSnapshot(long index, ConfState confState, ReadOnlyMemory<byte> data, Raftex.Raft.Snapshot? created, string reason)
    {
        if (_deferredSnapshot is { } older && older.Index > index)
        {
            return;
        }

        var backoff = _deferredSnapshot?.Index == index ? Math.Min(_deferredSnapshot.Backoff * 2, 32) : 1;
        _deferredSnapshot = new DeferredSnapshot(index, confState, data, created, backoff)
        {
            NextAttempt = Stopwatch.GetTimestamp() + (long)(StallRetryInterval.TotalSeconds * backoff * Stopwatch.Frequency),
        };
        if (backoff == 1)
        {
            _logger.LogWarning("Deferred local snapshot at {Index} until the disk has room: {Reason}", index, reason);
        }
        else
        {
            _logger.LogDebug("Local snapshot at {Index} still does not fit: {Reason}", index, reason);
        }
    }

    /// <summary>On the loop, when due and not stalled: writes the deferred snapshot (dropped if a newer one replaced it).</summary>
    private void RetryDeferredSnapshot()
    {
        if (_deferredSnapshot is not { } deferred || _stall is not null || Stopwatch.GetTimestamp() < deferred.NextAttempt)
        {
            return;
        }

        if (deferred.Created is null)
        {
            // Deferred while stalled, before Raft's storage took it: the whole path, which may defer it again.
            SaveLocalSnapshot(deferred.Index, deferred.ConfState, deferred.Data);
        }
        else if (ReferenceEquals(_storage.Snapshot(), deferred.Created))
        {
            PersistLocalSnapshot(deferred.Created);
        }
        else
        {
            _logger.LogDebug("Dropped deferred local snapshot at {Index}: a newer snapshot replaced it", deferred.Index);
            _deferredSnapshot = null;
        }

        if (ReferenceEquals(_deferredSnapshot, deferred))
        {
            // Neither written nor deferred again (a newer snapshot made it moot).
            _deferredSnapshot = null;
        }
    }

    /// <summary>A local snapshot at <paramref name="index"/> is durable: a deferred one at or below it is moot.</summary>
    private void SnapshotWritten(long index)
    {
        if (_deferredSnapshot is { } deferred && deferred.Index <= index)
        {
            if (deferred.Index == index)
            {
                _logger.LogInformation("Wrote the deferred local snapshot at {Index}", index);
            }

            _deferredSnapshot = null;
        }
    }

    /// <summary>
    /// Tells the node a member was removed (its pinned incarnation is forgotten, in a small file in the data directory).
    /// The WAL writes into space it claimed ahead, so a disk can be too full for that file while the log still works:
    /// the removal is in force in memory and the file catches up at its next write, rather than the node stopping.
    /// </summary>
    private void ForgetRemovedMember(long nodeId)
    {
        try
        {
            MemberRemoved?.Invoke(nodeId);
        }
        catch (Exception e) when (DiskFull.IsCause(e))
        {
            _logger.LogWarning(
                "Removal of node {Node} applied, but the disk is too full to drop its pinned incarnation from the data directory yet: {Reason}",
                nodeId, e.Message);
        }
    }

    /// <summary>Proposals queued before the disk filled are answered, not left to wait for it.</summary>
    private void RefuseQueuedProposals()
    {
        if (DiskFullRefusal() is not { } refusal)
        {
            return;
        }

        while (_proposals.Reader.TryRead(out var p))
        {
            p.Waiter.Fail(refusal.StatusCode, refusal.Detail);
        }
    }

    /// <summary>A snapshot the applier took that the disk had no room for; <see cref="Created"/> once Raft's storage holds it.</summary>
    private sealed class DeferredSnapshot(long index, ConfState confState, ReadOnlyMemory<byte> data, Raftex.Raft.Snapshot? created, int backoff)
    {
        public long Index { get; } = index;

        public ConfState ConfState { get; } = confState;

        public ReadOnlyMemory<byte> Data { get; } = data;

        public Raftex.Raft.Snapshot? Created { get; } = created;

        /// <summary>Retry intervals to wait before the next attempt (doubles while the disk stays full, up to 32).</summary>
        public int Backoff { get; } = backoff;

        public long NextAttempt { get; set; }
    }

    /// <summary>A Ready whose write failed for lack of space; <see cref="InMemory"/> when Raft's storage already holds it (the fsync failed).</summary>
    private sealed class StalledReady(Ready? ready, bool inMemory, long since)
    {
        public Ready? Ready { get; } = ready;

        public bool InMemory { get; } = inMemory;

        public long Since { get; } = since;

        public long NextAttempt { get; set; } = since;

        public int Attempts { get; set; }
    }
}

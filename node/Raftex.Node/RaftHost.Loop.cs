using System.Buffers.Binary;
using System.Diagnostics;
using Grpc.Core;
using Raftex.Exchange;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Node;

internal sealed partial class RaftHost
{
    private const int MaxProposalsPerRound = 8192;

    private (ExchangeStateMachine Machine, long Applied, ConfState ConfState) Restore(ExchangeConfig exchange)
    {
        // RaftStorage.Open already made the WAL's snapshot mark agree with the newest snapshot file.
        var recovery = _data.Recovery;
        var snapshot = recovery.Snapshot;
        if (_data.IsNew && _options.Bootstrap)
        {
            // Every initial member starts from the same membership snapshot, so they agree on the log: at index 1, term 1
            // for an empty cluster, or at a backup's index and term with its state (the log then begins after it).
            var voters = new List<long> { _options.NodeId };
            voters.AddRange(_options.Peers.Keys);
            voters.Sort();
            var seed = _data.Seed;
            var (index, term) = seed is null ? (1L, 1L) : (seed.Metadata.Index, seed.Metadata.Term);
            snapshot = new Raftex.Raft.Snapshot(new SnapshotMetadata(index, term, new ConfState(voters, [])), seed?.Data ?? ReadOnlyMemory<byte>.Empty);
            _data.Snapshots.Save(snapshot);
            _data.Wal.SaveSnapshot(snapshot.Metadata);
            var hardState = new HardState(term, 0, index);
            _data.Wal.Save(hardState, []);
            _data.Wal.Sync();
            _logger.LogWarning("Bootstrapped a new cluster '{ClusterId}' with voters {Voters}{Seed}", _data.ClusterId, string.Join(',', voters),
                seed is null ? string.Empty : $" from a backup at index {index}, term {term}");
            recovery = recovery with { HardState = hardState, Snapshot = snapshot };
        }
        else if (_data.IsNew)
        {
            _logger.LogWarning("Empty data directory: starting as a joining node (incarnation {Incarnation}); waiting to be added as a learner", _data.Incarnation);
        }

        ReportTornTail(recovery.TornTail);
        var machine = new ExchangeStateMachine(exchange);
        if (!snapshot.IsEmpty)
        {
            _storage.ApplySnapshot(snapshot);
            if (!snapshot.Data.IsEmpty)
            {
                machine = RestoreMachine(snapshot);
            }
        }

        _storage.SetHardState(recovery.HardState);
        var entries = EntriesContinuing(snapshot.Metadata, recovery.Entries);
        if (entries.Count < recovery.Entries.Count)
        {
            _logger.LogWarning(
                "Dropped {Dropped} WAL entries that do not continue snapshot {SnapshotIndex}/{SnapshotTerm}; the leader will replicate the log again",
                recovery.Entries.Count - entries.Count, snapshot.Metadata.Index, snapshot.Metadata.Term);
        }

        _storage.Append(entries);
        if (recovery.HardState.Commit > _storage.LastIndex())
        {
            throw new InvalidDataException(
                $"the WAL in '{_data.Wal.Directory}' records commit index {recovery.HardState.Commit}, but the log it holds ends at index " +
                $"{_storage.LastIndex()} (snapshot {snapshot.Metadata.Index}/{snapshot.Metadata.Term}): committed entries are missing from this node" +
                (recovery.TornTail is { } torn ? $" (the torn tail cut from '{torn.SegmentPath}' at offset {torn.Offset} held {torn.CompleteRecords} complete record(s))" : "") +
                $"; {RaftStorage.RejoinAdvice}");
        }

        _lastLogTime = machine.LogTime;
        TrackLogTime(entries, machine.LogTime);
        _logger.LogInformation(
            "Restored: snapshot {SnapshotIndex}, log to {LastIndex}, term {Term}, commit {Commit}",
            snapshot.Metadata.Index, _storage.LastIndex(), recovery.HardState.Term, recovery.HardState.Commit);
        return (machine, snapshot.Metadata.Index, snapshot.Metadata.ConfState);
    }

    /// <summary>The exchange state in the newest snapshot; a file this build cannot read is refused naming it.</summary>
    private ExchangeStateMachine RestoreMachine(Raftex.Raft.Snapshot snapshot)
    {
        try
        {
            return ExchangeStateMachine.Restore(new MemoryStream(snapshot.Data.ToArray(), writable: false));
        }
        catch (Exception e) when (e is SnapshotFormatException or InvalidDataException)
        {
            throw new InvalidDataException(
                $"snapshot file '{_data.Snapshots.PathOf(snapshot.Metadata)}' (index {snapshot.Metadata.Index}, term {snapshot.Metadata.Term}) holds " +
                $"exchange state this build cannot read: {e.Message}; run a build that reads it, or {RaftStorage.RejoinAdvice}", e);
        }
    }

    /// <summary>
    /// Says what replay cut from the WAL's end: at warning level when complete records went with it (damage after the
    /// write, not an interrupted write), so a harmless torn write and lost fsynced bytes do not look the same.
    /// </summary>
    private void ReportTornTail(WalTornTail? torn)
    {
        _metrics.TornTail(torn);
        if (torn is null)
        {
            return;
        }

        if (torn.CompleteRecords > 0)
        {
            _logger.LogWarning(
                "WAL tail discarded: {Bytes} bytes, {Records} record(s) of which {Complete} complete, from {Segment} at offset {Offset}; " +
                "a complete record is not what an interrupted write leaves: bytes written whole were damaged, and fsynced entries may be lost here " +
                "(the leader replicates them again if so)",
                torn.Bytes, torn.Records, torn.CompleteRecords, torn.SegmentPath, torn.Offset);
        }
        else
        {
            _logger.LogInformation(
                "WAL tail discarded: {Bytes} bytes, {Records} record(s) cut short by an interrupted write, from {Segment} at offset {Offset}",
                torn.Bytes, torn.Records, torn.SegmentPath, torn.Offset);
        }
    }

    /// <summary>
    /// The recovered entries Raft may restart with: those right after <paramref name="snapshot"/>, contiguous, and only
    /// if the log agrees with the snapshot's term at its index; otherwise none (they belong to a log the snapshot replaced).
    /// </summary>
    internal static List<Entry> EntriesContinuing(SnapshotMetadata snapshot, IReadOnlyList<Entry> entries)
    {
        var kept = new List<Entry>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Index == snapshot.Index && entry.Term != snapshot.Term)
            {
                return [];
            }

            if (entry.Index <= snapshot.Index)
            {
                continue;
            }

            var expected = kept.Count == 0 ? snapshot.Index + 1 : kept[^1].Index + 1;
            if (entry.Index != expected || entry.Term < snapshot.Term || (kept.Count > 0 && entry.Term < kept[^1].Term))
            {
                // A gap or a term going back cannot follow the snapshot; keep only the prefix that does.
                break;
            }

            kept.Add(entry);
        }

        return kept;
    }

    private void Loop()
    {
        var tickStart = Stopwatch.GetTimestamp();
        double ticksDone = 0;
        var lastPublish = 0L;
        try
        {
            while (!_stopping)
            {
                var (_, rate) = _faults.ClockSkew();
                var tickTicks = Stopwatch.Frequency * _options.HeartbeatMs / 1000.0 / rate;
                var now = Stopwatch.GetTimestamp();
                var due = tickStart + (ticksDone + 1) * tickTicks;
                if (now < due)
                {
                    var waitMs = (int)Math.Ceiling((due - now) * 1000.0 / Stopwatch.Frequency);
                    _signal.Wait(Math.Max(1, waitMs));
                    Interlocked.Exchange(ref _signalled, 0);
                }

                now = Stopwatch.GetTimestamp();
                var ticks = 0;
                while (tickStart + (ticksDone + 1) * tickTicks <= now)
                {
                    ticksDone++;
                    if (++ticks <= 3)
                    {
                        _raft.Tick();
                    }
                }

                if (ticks > 3)
                {
                    // The loop was starved (GC, a long fsync): don't fire a burst of ticks that would fake an election timeout.
                    tickStart = now;
                    ticksDone = 0;
                }

                while (_actions.TryDequeue(out var action))
                {
                    action(_raft);
                }

                while (_inbox.TryDequeue(out var m))
                {
                    _raft.Step(m);
                }

                if (_stall is null)
                {
                    DrainProposals();
                }
                else
                {
                    RefuseQueuedProposals();
                }

                var changed = false;
                // The fsync of a Ready runs off this thread: while it is in flight the loop keeps stepping acks and
                // taking proposals (they form the next batch), and the Ready is finished once the sync is done.
                while (true)
                {
                    if (_syncing is { } inflight)
                    {
                        if (!inflight.Sync.IsCompleted)
                        {
                            break;
                        }

                        _syncing = null;
                        if (inflight.Sync.Exception is { } failed && DiskFull.IsCause(failed))
                        {
                            Stall(inflight.Ready, inMemory: true, failed);
                            changed = true;
                            break;
                        }

                        inflight.Sync.GetAwaiter().GetResult();
                        _metrics.FsyncTook(inflight.Started);
                        FinishReady(inflight.Ready);
                        changed = true;
                        continue;
                    }

                    if (_stall is not null)
                    {
                        // Nothing new is taken from Raft until the stalled Ready is durable.
                        if (!TryResume())
                        {
                            break;
                        }

                        changed = true;
                        continue;
                    }

                    if (!_raft.HasReady())
                    {
                        break;
                    }

                    changed |= StartReady(_raft.GetReady());
                }

                RetryDeferredSnapshot();
                if (changed || ticks > 0 || Stopwatch.GetTimestamp() - lastPublish > Stopwatch.Frequency / 100)
                {
                    Publish();
                    lastPublish = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (Exception ex)
        {
            // A failed write or an invariant broken inside Raft: stop rather than risk acknowledging what is not durable.
            _logger.LogCritical(ex, "Raft loop failed; the node stops (fail-stop) and recovers from its WAL on restart");
            Environment.Exit(70);
        }
    }

    private void DrainProposals()
    {
        var reader = _proposals.Reader;
        var proposed = 0;
        while (proposed < MaxProposalsPerRound && reader.TryRead(out var p))
        {
            if (_raft.Role != RaftRole.Leader)
            {
                p.Waiter.Fail(StatusCode.Unavailable, NotLeaderMessage());
                continue;
            }

            p = p with { Command = CommandCodec.Stamp(p.Command, Applier.EntryFormatVersion, NextStamp()) };
            var result = _raft.Propose(p.Command);
            if (result.Accepted)
            {
                _pending[result.Index] = (result.Term, p.Waiter);
                proposed++;
            }
            else
            {
                p.Waiter.Fail(DropStatus(result.Reason), DropMessage(result.Reason));
            }
        }

        if (proposed > 0)
        {
            _metrics.Proposed(proposed);
        }
    }

    /// <summary>Proposes a membership change on the loop thread; the waiter completes once it is applied.</summary>
    public void ProposeConfChange(ConfChange change, ProposalWaiter waiter) => Enqueue(raft =>
    {
        var result = raft.ProposeConfChange(change);
        if (result.Accepted)
        {
            _pending[result.Index] = (result.Term, waiter);
        }
        else
        {
            waiter.Fail(DropStatus(result.Reason), DropMessage(result.Reason));
        }
    });

    private (Ready Ready, Task Sync, long Started)? _syncing;

    /// <summary>Persists a Ready: sends what may go before the fsync, writes the batch, and either finishes it or leaves its fsync in flight.</summary>
    private bool StartReady(Ready rd)
    {
        var changed = false;
        if (rd.SoftState is { } soft)
        {
            changed = true;
            OnSoftState(soft);
        }

        // Appends, heartbeats and snapshot chunks vouch for nothing unpersisted: send them before our own fsync
        // (the leader counts itself toward a quorum only once its fsync is done).
        _transport.Send(rd.Messages);

        try
        {
            Persist(rd);
        }
        catch (Exception e) when (DiskFull.IsCause(e))
        {
            Stall(rd, inMemory: false, e);
            return true;
        }

        Remember(rd);
        if (rd.MustSync || rd.Snapshot is not null)
        {
            var started = Stopwatch.GetTimestamp();
            var wal = _data.Wal;
            _syncing = (rd, Task.Run(() =>
            {
                try
                {
                    wal.Sync();
                }
                finally
                {
                    Signal();
                }
            }), started);
            return changed;
        }

        FinishReady(rd);
        return changed;
    }

    /// <summary>
    /// Writes a Ready's snapshot, hard state and entries to disk (buffered until the sync). Repeatable: a Ready retried
    /// after a full disk neither saves nor marks its snapshot twice, and the WAL truncates whatever part of its entries
    /// it already holds.
    /// </summary>
    private void Persist(Ready rd)
    {
        if (rd.Snapshot is { } snapshot && _data.Wal.Snapshot.Index < snapshot.Metadata.Index)
        {
            _data.Snapshots.Save(snapshot);
            _data.Wal.SaveSnapshot(snapshot.Metadata);
        }

        if (rd.HardState is not null || rd.Entries.Count > 0)
        {
            var started = Stopwatch.GetTimestamp();
            _data.Wal.Save(rd.HardState, rd.Entries);
            _metrics.AppendTook(started);
        }
    }

    /// <summary>Makes a persisted Ready visible to Raft's storage and the applier (once per Ready).</summary>
    private void Remember(Ready rd)
    {
        if (rd.Snapshot is { } snapshot)
        {
            _storage.ApplySnapshot(snapshot);
            Applier.EnqueueInstall(snapshot);
            // The snapshot replaces the log; its log time is at least that of the state applied so far (a later point of the same committed log).
            _lastLogTime = Applier.LogTime;
            _lastStampIndex = 0;
            _logger.LogInformation("Received snapshot at index {Index} from the leader", snapshot.Metadata.Index);
        }

        if (rd.HardState is { } hs)
        {
            _storage.SetHardState(hs);
        }

        if (rd.Entries.Count > 0)
        {
            _storage.Append(rd.Entries);
            TrackLogTime(rd.Entries, Applier.LogTime);
        }
    }

    /// <summary>After the Ready is durable: votes and acks go out, committed entries go to the applier, and Raft advances.</summary>
    private void FinishReady(Ready rd)
    {
        if (rd.Snapshot is { } installed)
        {
            // The leader's snapshot file and its mark are durable now: what it covers goes, as after a local snapshot.
            ReleaseCovered(installed.Metadata.Index, "installed");
        }

        // Votes and acks vouch for what was just made durable.
        _transport.Send(rd.MessagesAfterPersist);

        if (rd.CommittedEntries.Count > 0)
        {
            List<(long, ConfState)>? confStates = null;
            foreach (var e in rd.CommittedEntries)
            {
                if (e.Type == EntryType.ConfChange)
                {
                    var cc = ConfChange.Decode(e.Data.Span);
                    var cs = _raft.ApplyConfChange(cc);
                    (confStates ??= []).Add((e.Index, cs));
                    if (cc.Type == ConfChangeType.RemoveNode && cc.NodeId != _options.NodeId)
                    {
                        ForgetRemovedMember(cc.NodeId);
                    }

                    _logger.LogInformation("Membership change {Type} of node {Node} applied at {Index}: {Members}", cc.Type, cc.NodeId, e.Index, cs);
                }
            }

            Applier.Enqueue(rd.CommittedEntries, confStates ?? (IReadOnlyList<(long, ConfState)>)[]);
        }

        foreach (var rs in rd.ReadStates)
        {
            if (rs.RequestContext.Length == 8 && _reads.TryGetValue(BinaryPrimitives.ReadInt64LittleEndian(rs.RequestContext.Span), out var tcs))
            {
                tcs.TrySetResult(rs.Index);
            }
        }

        _raft.Advance(rd);
    }

    private void OnSoftState(SoftState soft)
    {
        var previous = _view;
        if (soft.Lead != previous.Leader)
        {
            _metrics.LeaderChanged();
            _logger.LogInformation("Leader is now {LeaderId} (term {Term}); this node is {Role}", soft.Lead, _raft.Term, soft.Role);
        }

        if (soft.Role == RaftRole.Leader && previous.Role != RaftRole.Leader)
        {
            // Anchored at the first proposal, once this Ready's entries are in the log the anchor reads.
            _anchorPending = true;
        }

        if (previous.Role == RaftRole.Leader && soft.Role != RaftRole.Leader)
        {
            // Anything proposed here may or may not commit under the next leader: the outcome is unknown to us, so
            // callers retry with the same ids (idempotent) instead of waiting on a node that no longer leads.
            // Entries already committed will still be applied here, so their waiters get the real outcome.
            FailAllPending(StatusCode.Unavailable, "leadership lost while the command was in flight; outcome unknown, retry with the same ids", _raft.Status.Commit);
            EndHostedSessions();
        }
    }

    /// <summary>Ends the order sessions hosted here (their clients reconnect to whoever leads).</summary>
    private void EndHostedSessions()
    {
        var old = Interlocked.Exchange(ref _leadership, new CancellationTokenSource());
        old.Cancel();
        old.Dispose();
    }

    private void FailAllPending(StatusCode code, string message, long keepUpTo = 0)
    {
        foreach (var index in _pending.Keys)
        {
            if (index > keepUpTo && _pending.TryRemove(index, out var p))
            {
                p.Waiter.Fail(code, message);
            }
        }
    }

    private void OnSnapshotTaken(long index, ConfState confState, byte[] data) => Enqueue(_ => SaveLocalSnapshot(index, confState, data));

    /// <summary>Makes a snapshot the applier took durable and compacts the log to it; on a full disk it is deferred, not dropped.</summary>
    private void SaveLocalSnapshot(long index, ConfState confState, ReadOnlyMemory<byte> data)
    {
        if (_stall is not null)
        {
            DeferSnapshot(index, confState, data, created: null, "the disk is full");
            return;
        }

        Raftex.Raft.Snapshot snapshot;
        try
        {
            snapshot = _storage.CreateSnapshot(index, confState, data);
        }
        catch (ArgumentException ex)
        {
            // A newer snapshot from the leader was installed meanwhile.
            _logger.LogDebug("Skipped local snapshot at {Index}: {Reason}", index, ex.Message);
            return;
        }

        PersistLocalSnapshot(snapshot);
    }

    /// <summary>Writes a snapshot already held by Raft's storage (file, then WAL mark, synced) and compacts to it.</summary>
    private void PersistLocalSnapshot(Raftex.Raft.Snapshot snapshot)
    {
        var index = snapshot.Metadata.Index;
        if (_data.Wal.Snapshot.Index < index)
        {
            try
            {
                // Written whole or not at all; until it is, the log simply is not compacted.
                _data.Snapshots.Save(snapshot);
            }
            catch (Exception e) when (DiskFull.IsCause(e))
            {
                DeferSnapshot(index, snapshot.Metadata.ConfState, snapshot.Data, snapshot, e.Message);
                return;
            }

            try
            {
                _data.Wal.SaveSnapshot(snapshot.Metadata);
                _data.Wal.Sync();
            }
            catch (Exception e) when (DiskFull.IsCause(e))
            {
                // The mark poisoned the log: ride it out like any other write (the reopen completes the mark from the
                // file), and compact once it is durable.
                Stall(null, inMemory: true, e);
                DeferSnapshot(index, snapshot.Metadata.ConfState, snapshot.Data, snapshot, e.Message);
                return;
            }
        }

        SnapshotWritten(index);
        CompactTo(index, snapshot.Data.Length);
    }

    private void CompactTo(long index, int bytes)
    {
        var compactTo = index - _options.SnapshotCatchUpEntries;
        if (compactTo >= _storage.FirstIndex())
        {
            _storage.Compact(compactTo);
        }

        _logger.LogDebug("Snapshot at index {Index} ({Bytes} bytes); log compacted to {Compact}", index, bytes, compactTo);
        ReleaseCovered(index, "local");
    }

    /// <summary>
    /// Deletes the WAL segments a durable, marked snapshot at <paramref name="index"/> covers. One rule for a local snapshot
    /// and one installed from the leader; the snapshot files beyond the newest two already went when the file was saved.
    /// </summary>
    private void ReleaseCovered(long index, string origin)
    {
        var released = _data.Wal.ReleaseTo(index);
        _logger.LogDebug("Released {Segments} WAL segment(s) covered by the {Origin} snapshot at {Index}", released, origin, index);
    }

    /// <summary>
    /// Keeps <see cref="_lastLogTime"/> the stamp of the last command in this node's log, or a lower bound of it; never the
    /// stamp of an entry the log no longer holds, because a leader anchors its stamps there (README of Raftex.Exchange).
    /// <paramref name="floor"/> is a stamp known to be in the log: that of the last applied command.
    /// </summary>
    private void TrackLogTime(IReadOnlyList<Entry> entries, long floor)
    {
        if (entries.Count > 0 && entries[0].Index <= _lastStampIndex)
        {
            // These entries replace the suffix that held the last stamp (a deposed leader's uncommitted tail).
            _lastLogTime = floor;
            _lastStampIndex = 0;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var data = entries[i].Data.Span;
            if (entries[i].Type == EntryType.Normal && data.Length >= 10 && CommandCodec.Supports(data[0]))
            {
                _lastLogTime = Math.Max(_lastLogTime, BinaryPrimitives.ReadInt64LittleEndian(data[2..]));
                _lastStampIndex = entries[i].Index;
            }
        }
    }

    /// <summary>The leader's stamp for its next proposal (on the loop thread); the first after taking office anchors the stamping clock.</summary>
    private long NextStamp()
    {
        var monotonic = (long)Stopwatch.GetElapsedTime(_monotonicOrigin).TotalMilliseconds;
        if (_anchorPending)
        {
            // The fault offset shifts this node's wall clock, which is consulted only when the log holds no stamp yet.
            var (skew, _) = _faults.ClockSkew();
            _stamping.Anchor(_lastLogTime, monotonic, DateTimeOffset.UtcNow.Add(skew).ToUnixTimeMilliseconds());
            _anchorPending = false;
        }

        return _stamping.Stamp(monotonic);
    }

    private void Publish()
    {
        var s = _raft.Status;
        _view = new RaftView(s.Role, s.Term, s.Lead, s.Commit, s.LastIndex, _raft.LastTerm, _storage.FirstIndex() - 1, s.ConfState, s.Progress, s.LeadTransferee,
            s.ConfState.IsMember(_options.NodeId), s.ConfState.IsLearner(_options.NodeId));
    }

    private string NotLeaderMessage() =>
        _raft.Lead == 0 ? "no leader known" : $"this node is not the leader; leader is node {_raft.Lead}";

    private static StatusCode DropStatus(ProposeDropReason reason) => reason switch
    {
        ProposeDropReason.UncommittedLimit => StatusCode.ResourceExhausted,
        ProposeDropReason.ConfChangePending => StatusCode.Aborted,
        ProposeDropReason.InvalidConfChange => StatusCode.FailedPrecondition,
        ProposeDropReason.NoCommitInTerm => StatusCode.Unavailable,
        _ => StatusCode.Unavailable,
    };

    private static string DropMessage(ProposeDropReason reason) => reason switch
    {
        ProposeDropReason.NotLeader => "this node is not the leader",
        ProposeDropReason.TransferInProgress => "leadership transfer in progress; retry shortly",
        ProposeDropReason.UncommittedLimit => "too many uncommitted entries; back off and retry",
        ProposeDropReason.ConfChangePending => "another membership change is still in flight",
        ProposeDropReason.NoCommitInTerm => "the new leader has not committed an entry of its term yet; retry shortly",
        ProposeDropReason.InvalidConfChange => "the membership change does not fit the current membership",
        ProposeDropReason.Removed => "this node was removed from the cluster",
        _ => $"proposal dropped: {reason}",
    };
}

namespace Raftex.Raft;

public sealed partial class RaftNode
{
    private long _uncommittedSize;

    /// <summary>Appends data to the log if this node leads; the result says where, or why not.</summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> data)
    {
        var refusal = CheckProposal(data.Length);
        if (refusal != ProposeDropReason.None)
        {
            return ProposeResult.Dropped(refusal);
        }

        var index = AppendEntry(EntryType.Normal, data);
        BcastAppend();
        return ProposeResult.At(index, Term);
    }

    private ProposeDropReason CheckProposal(int size)
    {
        if (_removed)
        {
            return ProposeDropReason.Removed;
        }

        if (Role != RaftRole.Leader)
        {
            return ProposeDropReason.NotLeader;
        }

        if (_leadTransferee != 0)
        {
            // Thesis §3.10: stop taking new work so the target can catch up and take over.
            return ProposeDropReason.TransferInProgress;
        }

        // One entry is always let through, however big, so the limit cannot wedge the leader.
        if (_config.MaxUncommittedEntriesBytes > 0 && _uncommittedSize > 0 && _uncommittedSize + size > _config.MaxUncommittedEntriesBytes)
        {
            return ProposeDropReason.UncommittedLimit;
        }

        return ProposeDropReason.None;
    }

    private long AppendEntry(EntryType type, ReadOnlyMemory<byte> data)
    {
        var index = _log.LastIndex() + 1;
        _log.Append([new Entry(index, Term, type, data)]);
        _uncommittedSize += data.Length;
        return index;
    }

    private void ReduceUncommittedSize(IReadOnlyList<Entry> committed)
    {
        if (_uncommittedSize == 0)
        {
            return;
        }

        long size = 0;
        for (var i = 0; i < committed.Count; i++)
        {
            size += committed[i].Data.Length;
        }

        _uncommittedSize = Math.Max(0, _uncommittedSize - size);
    }

    private void BcastAppend()
    {
        foreach (var (id, pr) in _progress)
        {
            if (id == _id)
            {
                continue;
            }

            if (SendAppend(pr, sendIfEmpty: true))
            {
                // Pipelining: in the replicate state keep sending batches until the window is full.
                while (pr.State == ProgressState.Replicate && SendAppend(pr, sendIfEmpty: false))
                {
                }
            }
        }
    }

    private void BcastHeartbeat(ReadOnlyMemory<byte> context)
    {
        foreach (var (id, pr) in _progress)
        {
            if (id == _id)
            {
                continue;
            }

            // Never tell a follower a commit index beyond what it is known to hold: it may not
            // have those entries, or may hold different (uncommitted) ones.
            var commit = Math.Min(pr.Match, _log.Committed);
            Send(new Message(MessageType.Heartbeat, _id, id, Term) { Commit = commit, Context = context });
        }
    }

    /// <summary>Sends the follower its next entries (or a snapshot when they are compacted away). Returns whether anything went out.</summary>
    private bool SendAppend(Progress pr, bool sendIfEmpty)
    {
        if (pr.IsPaused)
        {
            return false;
        }

        var prevIndex = pr.Next - 1;
        if (!_log.TryTerm(prevIndex, out var prevTerm))
        {
            return SendSnapshot(pr);
        }

        var entries = _log.EntriesFrom(pr.Next);
        if (entries is null)
        {
            return SendSnapshot(pr);
        }

        if (entries.Count == 0 && !sendIfEmpty)
        {
            return false;
        }

        Send(new Message(MessageType.Append, _id, pr.Id, Term)
        {
            Index = prevIndex,
            LogTerm = prevTerm,
            Entries = entries,
            Commit = _log.Committed,
        });
        pr.SentEntries(entries.Count, entries.Count > 0 ? entries[^1].Index : prevIndex);
        return true;
    }

    /// <summary>Figure 2 AppendEntries receiver.</summary>
    private void HandleAppend(Message m)
    {
        if (!IsWellFormedAppend(m))
        {
            // A buggy or foreign sender must not be able to corrupt the log: drop it unanswered.
            return;
        }

        if (m.Index < _log.Committed)
        {
            // Everything up to our commit index already matches the leader's log.
            Send(new Message(MessageType.AppendResponse, _id, m.From, Term) { Index = _log.Committed });
            return;
        }

        var lastNew = _log.MaybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries);
        if (lastNew >= 0)
        {
            Send(new Message(MessageType.AppendResponse, _id, m.From, Term) { Index = lastNew });
            return;
        }

        // §5.3 optimisation: hint the last index whose term is at most the leader's prev term,
        // so the leader can skip a whole conflicting term per round trip.
        var (hintIndex, hintTerm) = _log.FindConflictByTerm(Math.Min(m.Index, _log.LastIndex()), m.LogTerm);
        Send(new Message(MessageType.AppendResponse, _id, m.From, Term)
        {
            Index = m.Index,
            Reject = true,
            RejectHint = hintIndex,
            LogTerm = hintTerm,
        });
    }

    /// <summary>Entries follow Index one by one, with terms never decreasing from LogTerm and never above the leader's term.</summary>
    private static bool IsWellFormedAppend(Message m)
    {
        if (m.Index < 0 || m.LogTerm < 0 || m.LogTerm > m.Term)
        {
            return false;
        }

        var prevIndex = m.Index;
        var prevTerm = m.LogTerm;
        var entries = m.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Index != prevIndex + 1 || e.Term < prevTerm || e.Term > m.Term)
            {
                return false;
            }

            prevIndex = e.Index;
            prevTerm = e.Term;
        }

        return true;
    }

    private void HandleHeartbeat(Message m)
    {
        // The leader caps the heartbeat commit at our match index, so these entries are the leader's.
        if (m.Commit <= _log.LastIndex())
        {
            _log.CommitTo(m.Commit);
        }

        Send(new Message(MessageType.HeartbeatResponse, _id, m.From, Term) { Context = m.Context });
    }

    private void StepLeader(Message m)
    {
        switch (m.Type)
        {
            case MessageType.AppendResponse:
                HandleAppendResponse(m);
                break;
            case MessageType.HeartbeatResponse:
                HandleHeartbeatResponse(m);
                break;
            case MessageType.SnapshotResponse:
                HandleSnapshotResponse(m);
                break;
            case MessageType.TransferLeadership:
                TransferLeadershipAsLeader(m.Index);
                break;
            case MessageType.ReadIndex:
                HandleReadIndexRequest(m.From, m.Context);
                break;
            default:
                break;
        }
    }

    private void HandleAppendResponse(Message m)
    {
        if (!_progress.TryGetValue(m.From, out var pr))
        {
            return;
        }

        if (m.Index > _log.LastIndex() || m.Index < 0)
        {
            // Acknowledges entries we never sent: not from this term's conversation.
            return;
        }

        pr.RecentActive = true;
        if (m.Reject)
        {
            var nextProbe = m.RejectHint;
            if (m.LogTerm > 0)
            {
                // Skip every entry of ours whose term is above the follower's hint term.
                (nextProbe, _) = _log.FindConflictByTerm(m.RejectHint, m.LogTerm);
            }

            if (pr.MaybeDecrTo(m.Index, nextProbe))
            {
                if (pr.State == ProgressState.Replicate)
                {
                    pr.BecomeProbe();
                }

                SendAppend(pr, sendIfEmpty: true);
            }

            return;
        }

        var wasPaused = pr.IsPaused;
        var updated = pr.MaybeUpdate(m.Index);
        if (pr.State == ProgressState.Snapshot)
        {
            if (pr.Match + 1 >= _log.FirstIndex())
            {
                // The follower installed the snapshot (or caught up otherwise): resume appends.
                pr.BecomeProbe();
                pr.BecomeReplicate();
            }
            else if (pr.Match >= pr.PendingSnapshot)
            {
                // It installed the snapshot we sent, but we compacted past it meanwhile:
                // probing finds the gap again and sends the newer snapshot.
                pr.BecomeProbe();
                SendAppend(pr, sendIfEmpty: true);
            }

            if (pr.State == ProgressState.Snapshot || pr.State == ProgressState.Probe)
            {
                if (updated && MaybeCommit())
                {
                    BcastAppend();
                }

                return;
            }
        }
        else if (!updated)
        {
            if (pr.State == ProgressState.Replicate)
            {
                pr.Inflights.FreeLE(m.Index);
            }

            return;
        }
        else if (pr.State == ProgressState.Probe)
        {
            pr.BecomeReplicate();
        }
        else
        {
            pr.Inflights.FreeLE(m.Index);
        }

        if (MaybeCommit())
        {
            BcastAppend();
        }
        else if (wasPaused)
        {
            // The follower may not know the commit index yet: send even an empty append.
            SendAppend(pr, sendIfEmpty: true);
        }

        while (pr.State == ProgressState.Replicate && SendAppend(pr, sendIfEmpty: false))
        {
        }

        if (m.From == _leadTransferee && pr.Match == _log.LastIndex())
        {
            SendTimeoutNow(m.From);
        }
    }

    private void HandleHeartbeatResponse(Message m)
    {
        if (!_progress.TryGetValue(m.From, out var pr))
        {
            return;
        }

        pr.RecentActive = true;
        pr.ProbeSent = false;
        if (pr.State == ProgressState.Replicate && pr.Inflights.Full)
        {
            // The follower is alive but the window stayed full: appends or their acks were lost.
            // Free one slot so an append goes out; a rejection then resets the follower to probe.
            pr.Inflights.FreeFirstOne();
        }

        if (pr.Match < _log.LastIndex())
        {
            SendAppend(pr, sendIfEmpty: true);
        }

        if (!m.Context.IsEmpty)
        {
            AckReadRequest(m.From, m.Context);
        }
    }

    /// <summary>
    /// Figure 2 / Figure 8: advance commit to the highest index a quorum of voters holds, but only
    /// by counting replicas of an entry from the current term. Returns whether commit moved.
    /// </summary>
    private bool MaybeCommit()
    {
        var voters = _confState.Voters;
        var n = voters.Count;
        if (n == 0)
        {
            return false;
        }

        Span<long> matches = n <= 64 ? stackalloc long[n] : new long[n];
        for (var i = 0; i < n; i++)
        {
            matches[i] = _progress.TryGetValue(voters[i], out var pr) ? pr.Match : 0;
        }

        matches.Sort();
        var quorumIndex = matches[n - Quorum];
        if (quorumIndex <= _log.Committed || _log.Term(quorumIndex) != Term)
        {
            return false;
        }

        var firstInTerm = _log.Term(_log.Committed) != Term;
        _log.CommitTo(quorumIndex);
        if (firstInTerm)
        {
            ReleasePendingReadRequests();
        }

        return true;
    }
}

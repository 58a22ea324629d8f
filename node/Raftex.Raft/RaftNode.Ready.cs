namespace Raftex.Raft;

public sealed partial class RaftNode
{
    /// <summary>Whether <see cref="GetReady"/> has anything to hand out.</summary>
    public bool HasReady()
    {
        if (_readyOutstanding)
        {
            return false;
        }

        return new SoftState(Lead, Role) != _prevSoftState
            || new HardState(Term, Vote, _log.Committed) != _prevHardState
            || _log.HasUnstable
            || _log.PendingSnapshot is not null
            || _messages.Count > 0
            || _messagesAfterPersist.Count > 0
            || _readStates.Count > 0
            || _log.HasNextCommittedEntries();
    }

    /// <summary>Takes the pending work. Handle it as <see cref="Ready"/> describes, then call <see cref="Advance"/> before the next GetReady.</summary>
    public Ready GetReady()
    {
        if (_readyOutstanding)
        {
            throw new InvalidOperationException("the previous Ready has not been advanced: call Advance(ready) after handling it");
        }

        var soft = new SoftState(Lead, Role);
        var hard = new HardState(Term, Vote, _log.Committed);
        var committed = _log.NextCommittedEntries();
        if (Role == RaftRole.Leader)
        {
            ReduceUncommittedSize(committed);
        }

        var ready = new Ready
        {
            SoftState = soft != _prevSoftState ? soft : null,
            HardState = hard != _prevHardState ? hard : null,
            Entries = _log.UnstableEntries(),
            Snapshot = _log.PendingSnapshot,
            CommittedEntries = committed,
            Messages = Take(_messages),
            MessagesAfterPersist = Take(_messagesAfterPersist),
            ReadStates = _readStates.Count == 0 ? [] : [.. _readStates],
            MustSync = _log.HasUnstable || _log.PendingSnapshot is not null || hard.Term != _prevHardState.Term || hard.Vote != _prevHardState.Vote,
        };
        _readStates.Clear();
        _prevSoftState = soft;
        _prevHardState = hard;
        _readyOutstanding = true;
        return ready;
    }

    /// <summary>Tells the node that <paramref name="ready"/> was persisted and its committed entries applied.</summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!_readyOutstanding)
        {
            throw new InvalidOperationException("Advance called without an outstanding Ready");
        }

        _readyOutstanding = false;
        if (ready.Snapshot is { } snapshot)
        {
            _log.StableSnapTo(snapshot.Metadata.Index);
        }

        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            _log.StableTo(last.Index, last.Term);
        }

        if (ready.CommittedEntries.Count > 0)
        {
            _log.AppliedTo(ready.CommittedEntries[^1].Index);
        }
        else if (ready.Snapshot is { } installed && installed.Metadata.Index > _log.Applied)
        {
            _log.AppliedTo(installed.Metadata.Index);
        }

        if (Role == RaftRole.Leader && (ready.Entries.Count > 0 || ready.Snapshot is not null))
        {
            // Thesis §10.2.1: the leader counts itself toward the commit quorum only for entries
            // that are now durable on its own disk.
            var self = _progress.GetValueOrDefault(_id);
            if (self is not null && self.MaybeUpdate(_log.StableLastIndex()) && MaybeCommit())
            {
                BcastAppend();
            }
        }
    }

    private static Message[] Take(List<Message> list)
    {
        if (list.Count == 0)
        {
            return [];
        }

        var array = list.ToArray();
        list.Clear();
        return array;
    }
}

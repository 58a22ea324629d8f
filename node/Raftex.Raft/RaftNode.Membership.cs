namespace Raftex.Raft;

public sealed partial class RaftNode
{
    private long _pendingConfIndex;
    private bool _removed;

    /// <summary>Proposes a single-server membership change; accepted only when no other change is pending and an entry of this term has committed.</summary>
    public ProposeResult ProposeConfChange(ConfChange cc)
    {
        var refusal = CheckProposal(ConfChange.EncodedLength);
        if (refusal != ProposeDropReason.None)
        {
            return ProposeResult.Dropped(refusal);
        }

        if (_pendingConfIndex > _log.Applied)
        {
            // One change at a time: the previous one is not applied yet.
            return ProposeResult.Dropped(ProposeDropReason.ConfChangePending);
        }

        if (_log.Term(_log.Committed) != Term)
        {
            // Ongaro 2015: a leader must commit an entry of its own term before changing
            // membership, or a change made by a deposed leader can be lost and two disjoint
            // majorities can form.
            return ProposeResult.Dropped(ProposeDropReason.NoCommitInTerm);
        }

        if (ValidateConfChange(cc) is not null)
        {
            return ProposeResult.Dropped(ProposeDropReason.InvalidConfChange);
        }

        var index = AppendEntry(EntryType.ConfChange, cc.Encode());
        _pendingConfIndex = index;
        BcastAppend();
        return ProposeResult.At(index, Term);
    }

    /// <summary>
    /// Applies a committed membership change (call it when applying its entry) and returns the new membership.
    /// A change the membership already reflects, or that no longer fits it (a replay after a restart from a
    /// later membership), leaves it unchanged: every replica applies the same entries, so this stays deterministic.
    /// </summary>
    public ConfState ApplyConfChange(ConfChange cc)
    {
        if (cc.NodeId <= 0)
        {
            throw new ArgumentException($"node id must be positive, got {cc.NodeId}", nameof(cc));
        }

        if (ValidateConfChange(cc) is not null)
        {
            return _confState;
        }

        var voters = new List<long>(_confState.Voters);
        var learners = new List<long>(_confState.Learners);
        var next = _log.LastIndex() + 1;
        switch (cc.Type)
        {
            case ConfChangeType.ForceSoleVoter:
                voters = [cc.NodeId];
                learners = [];
                foreach (var id in _progress.Keys.Where(id => id != cc.NodeId).ToList())
                {
                    _progress.Remove(id);
                }

                if (!_progress.ContainsKey(cc.NodeId))
                {
                    _progress[cc.NodeId] = new Progress(cc.NodeId, next, _config.MaxInflightMessages, isLearner: false) { RecentActive = true };
                }

                _progress[cc.NodeId].IsLearner = false;
                break;
            case ConfChangeType.AddLearner:
                learners.Add(cc.NodeId);
                _progress[cc.NodeId] = new Progress(cc.NodeId, next, _config.MaxInflightMessages, isLearner: true) { RecentActive = true };
                break;
            case ConfChangeType.PromoteLearner:
                learners.Remove(cc.NodeId);
                voters.Add(cc.NodeId);
                _progress[cc.NodeId].IsLearner = false;
                break;
            default:
                voters.Remove(cc.NodeId);
                learners.Remove(cc.NodeId);
                _progress.Remove(cc.NodeId);
                break;
        }

        _confState = new ConfState(voters, learners);
        if (cc.Type == ConfChangeType.RemoveNode && cc.NodeId == _id)
        {
            // A removed node goes quiet: it leads no more, never campaigns and sends nothing.
            if (Role == RaftRole.Leader)
            {
                BecomeFollower(Term, 0);
            }

            _removed = true;
            return _confState;
        }

        if (Role == RaftRole.Leader)
        {
            if (_leadTransferee == cc.NodeId && cc.Type == ConfChangeType.RemoveNode)
            {
                AbortLeaderTransfer();
            }

            // A smaller quorum may commit more right away.
            if (MaybeCommit())
            {
                BcastAppend();
            }
            else if (cc.Type == ConfChangeType.AddLearner && _progress.TryGetValue(cc.NodeId, out var added))
            {
                SendAppend(added, sendIfEmpty: true);
            }
        }

        return _confState;
    }

    /// <summary>
    /// Recovery from a permanently lost majority (etcd's --force-new-cluster, done online): every entry this node's
    /// log holds is committed, the membership becomes this node alone, and the node takes a new term as its leader
    /// and appends a <see cref="ConfChangeType.ForceSoleVoter"/> entry, which records the new membership in the log
    /// (a restart, or a member added later, replays it). Entries only the lost members held are gone; the log here
    /// is kept whole. Returns the index of that entry and the last index before it.
    /// </summary>
    /// <exception cref="InvalidOperationException">This node leads (quorum is not lost) or is not a member.</exception>
    public (long Index, long LastIndexBefore, long CommitBefore) ForceNewCluster()
    {
        if (Role == RaftRole.Leader)
        {
            throw new InvalidOperationException($"node {_id} leads term {Term}: quorum is not lost");
        }

        if (!_confState.IsMember(_id) || _removed)
        {
            throw new InvalidOperationException($"node {_id} is not a member ({_confState})");
        }

        var lastBefore = _log.LastIndex();
        var commitBefore = _log.Committed;
        _log.CommitTo(lastBefore);
        _confState = new ConfState([_id], []);
        RebuildProgress();
        BecomeCandidate();
        BecomeLeader();
        var index = AppendEntry(EntryType.ConfChange, new ConfChange(ConfChangeType.ForceSoleVoter, _id).Encode());
        _pendingConfIndex = index;
        return (index, lastBefore, commitBefore);
    }

    /// <summary>Why a change does not fit the current membership, or null when it does.</summary>
    private string? ValidateConfChange(ConfChange cc)
    {
        if (cc.NodeId <= 0)
        {
            return $"node id must be positive, got {cc.NodeId}";
        }

        return cc.Type switch
        {
            ConfChangeType.AddLearner when _confState.IsMember(cc.NodeId) => $"node {cc.NodeId} is already a member ({_confState})",
            ConfChangeType.PromoteLearner when !_confState.IsLearner(cc.NodeId) => $"node {cc.NodeId} is not a learner ({_confState})",
            ConfChangeType.RemoveNode when !_confState.IsMember(cc.NodeId) => $"node {cc.NodeId} is not a member ({_confState})",
            ConfChangeType.RemoveNode when _confState.IsVoter(cc.NodeId) && _confState.Voters.Count == 1 => $"cannot remove the last voter {cc.NodeId}",
            ConfChangeType.ForceSoleVoter when _confState.Voters.Count == 1 && _confState.IsVoter(cc.NodeId) && _confState.Learners.Count == 0 => $"node {cc.NodeId} is already the sole voter",
            ConfChangeType.ForceSoleVoter => null,
            ConfChangeType.AddLearner or ConfChangeType.PromoteLearner or ConfChangeType.RemoveNode => null,
            _ => $"unknown conf change type {cc.Type}",
        };
    }
}

namespace Raftex.Raft;

public sealed partial class RaftNode
{
    private readonly Dictionary<long, bool> _votes = [];

    private enum VoteResult
    {
        Pending,
        Won,
        Lost,
    }

    /// <summary>Starts an election now (subject to pre-vote when enabled). Ignored by leaders, learners and removed nodes.</summary>
    public void Campaign() => Hup(transfer: false);

    private void TickElection()
    {
        _electionElapsed++;
        if (Promotable && _electionElapsed >= _randomizedElectionTimeout)
        {
            _electionElapsed = 0;
            Hup(transfer: false);
        }
    }

    private void TickHeartbeat()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _config.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_config.CheckQuorum && !CheckQuorumActive())
            {
                // Thesis §6.2: a leader that cannot reach a majority steps down, so clients go elsewhere.
                BecomeFollower(Term, 0);
                return;
            }

            if (_leadTransferee != 0)
            {
                // The target did not take over within an election timeout.
                AbortLeaderTransfer();
            }
        }

        TickSnapshotTransfers();
        if (_heartbeatElapsed >= _config.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            BcastHeartbeat(ReadOnlyMemory<byte>.Empty);
        }
    }

    /// <summary>Whether a quorum of voters was heard from since the last check; clears the marks for the next round.</summary>
    private bool CheckQuorumActive()
    {
        var active = 0;
        foreach (var id in _confState.Voters)
        {
            if (id == _id || (_progress.TryGetValue(id, out var pr) && pr.RecentActive))
            {
                active++;
            }
        }

        foreach (var (id, pr) in _progress)
        {
            pr.RecentActive = id == _id;
        }

        return active >= Quorum;
    }

    private void Hup(bool transfer)
    {
        if (Role == RaftRole.Leader || !Promotable)
        {
            return;
        }

        if (HasUnappliedConfChanges())
        {
            // The membership we would lead under is not settled yet; wait until it is applied.
            return;
        }

        if (_config.PreVote && !transfer)
        {
            CampaignPre();
        }
        else
        {
            CampaignElection(transfer);
        }
    }

    private bool HasUnappliedConfChanges()
    {
        // Committed entries below the first index were replaced by a snapshot, whose membership is already ours.
        var lo = Math.Max(_log.Applied + 1, _log.FirstIndex());
        var hi = _log.Committed + 1;
        while (lo < hi)
        {
            var entries = _log.Slice(lo, hi, _config.MaxSizePerMessage);
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].Type == EntryType.ConfChange)
                {
                    return true;
                }
            }

            lo += entries.Count;
        }

        return false;
    }

    private void CampaignPre()
    {
        BecomePreCandidate();
        if (Poll(_id, granted: true) == VoteResult.Won)
        {
            CampaignElection(transfer: false);
            return;
        }

        RequestVotes(MessageType.PreVote, Term + 1, transfer: false);
    }

    private void CampaignElection(bool transfer)
    {
        BecomeCandidate();
        if (Poll(_id, granted: true) == VoteResult.Won)
        {
            BecomeLeader();
            return;
        }

        RequestVotes(MessageType.Vote, Term, transfer);
    }

    private void RequestVotes(MessageType type, long term, bool transfer)
    {
        var lastIndex = _log.LastIndex();
        var lastTerm = _log.LastTerm();
        foreach (var id in _confState.Voters)
        {
            if (id != _id)
            {
                Send(new Message(type, _id, id, term) { Index = lastIndex, LogTerm = lastTerm, Transfer = transfer });
            }
        }
    }

    private VoteResult Poll(long from, bool granted)
    {
        if (!_confState.IsVoter(from))
        {
            return VoteResult.Pending;
        }

        _votes.TryAdd(from, granted);
        var yes = 0;
        var no = 0;
        foreach (var (_, v) in _votes)
        {
            if (v)
            {
                yes++;
            }
            else
            {
                no++;
            }
        }

        if (yes >= Quorum)
        {
            return VoteResult.Won;
        }

        return _confState.Voters.Count - no < Quorum ? VoteResult.Lost : VoteResult.Pending;
    }

    /// <summary>Figure 2 RequestVote receiver: one vote per term, only for a log at least as up to date (§5.4.1).</summary>
    private void HandleVoteRequest(Message m)
    {
        var responseType = m.Type == MessageType.Vote ? MessageType.VoteResponse : MessageType.PreVoteResponse;
        var canVote = Vote == m.From
            || (Vote == 0 && Lead == 0)
            || (m.Type == MessageType.PreVote && m.Term > Term);
        if (canVote && _log.IsUpToDate(m.Index, m.LogTerm))
        {
            // A pre-vote grant answers at the hypothetical term so the pre-candidate counts it.
            Send(new Message(responseType, _id, m.From, m.Term));
            if (m.Type == MessageType.Vote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new Message(responseType, _id, m.From, Term) { Reject = true });
        }
    }

    private void StepCandidate(Message m)
    {
        var myResponse = Role == RaftRole.PreCandidate ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        switch (m.Type)
        {
            case MessageType.Append:
                BecomeFollower(m.Term, m.From);
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshotChunk(m);
                break;
            case var t when t == myResponse:
                switch (Poll(m.From, !m.Reject))
                {
                    case VoteResult.Won:
                        if (Role == RaftRole.PreCandidate)
                        {
                            CampaignElection(transfer: false);
                        }
                        else
                        {
                            BecomeLeader();
                        }

                        break;
                    case VoteResult.Lost:
                        BecomeFollower(Term, 0);
                        break;
                    default:
                        break;
                }

                break;
            default:
                break;
        }
    }

    private void ResetTerm(long term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = 0;
        }

        Lead = 0;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _config.ElectionTicks + _random.Next(_config.ElectionTicks);
        _leadTransferee = 0;
        _votes.Clear();
        _pendingConfIndex = 0;
        _uncommittedSize = 0;
        ClearReadRequests();
    }

    private void BecomeFollower(long term, long lead)
    {
        ResetTerm(term);
        Lead = lead;
        Role = RaftRole.Follower;
    }

    private void BecomePreCandidate()
    {
        // No term change and no vote: a failed pre-campaign leaves no trace (thesis §9.6).
        _votes.Clear();
        Lead = 0;
        Role = RaftRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        ResetTerm(Term + 1);
        Vote = _id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        ResetTerm(Term);
        Lead = _id;
        Role = RaftRole.Leader;
        ResetProgressForLeader();
        if (_progress.TryGetValue(_id, out var self))
        {
            self.BecomeReplicate();
        }

        // Any membership change in the uncommitted tail counts as pending until applied.
        _pendingConfIndex = _log.LastIndex();

        // §5.4.2 / §8: an empty entry of the new term lets earlier entries commit and tells the
        // leader what is committed (needed before serving ReadIndex).
        AppendEntry(EntryType.Normal, ReadOnlyMemory<byte>.Empty);
        BcastAppend();
    }
}

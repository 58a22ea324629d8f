namespace Raftex.Raft;

public sealed partial class RaftNode
{
    private long _leadTransferee;

    /// <summary>Asks the leader (forwarded if this node follows) to hand leadership to target once it is caught up.</summary>
    public void TransferLeadership(long target)
    {
        if (Role == RaftRole.Leader)
        {
            TransferLeadershipAsLeader(target);
        }
        else if (Lead != 0 && !_removed)
        {
            Send(new Message(MessageType.TransferLeadership, _id, Lead, Term) { Index = target });
        }
    }

    private void TransferLeadershipAsLeader(long target)
    {
        if (target == _id || !_progress.TryGetValue(target, out var pr) || pr.IsLearner)
        {
            return;
        }

        if (_leadTransferee != 0)
        {
            if (_leadTransferee == target)
            {
                return;
            }

            AbortLeaderTransfer();
        }

        // The transfer must finish within one election timeout (counted from now) or is abandoned.
        _electionElapsed = 0;
        _leadTransferee = target;
        if (pr.Match == _log.LastIndex())
        {
            SendTimeoutNow(target);
        }
        else
        {
            SendAppend(pr, sendIfEmpty: true);
        }
    }

    private void SendTimeoutNow(long to) => Send(new Message(MessageType.TimeoutNow, _id, to, Term));

    private void AbortLeaderTransfer() => _leadTransferee = 0;
}

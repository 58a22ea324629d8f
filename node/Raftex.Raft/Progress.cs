namespace Raftex.Raft;

/// <summary>The leader's view of one peer: how much of the log it holds and how to send it more.</summary>
internal sealed class Progress(long id, long next, int maxInflight, bool isLearner)
{
    public long Id { get; } = id;

    public long Match { get; set; }

    public long Next { get; set; } = next;

    public ProgressState State { get; private set; } = ProgressState.Probe;

    public bool IsLearner { get; set; } = isLearner;

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>Probe state: an append is outstanding; wait for its answer or the next heartbeat response.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>Snapshot state: index of the snapshot being sent.</summary>
    public long PendingSnapshot { get; private set; }

    public SnapshotTransfer? Transfer { get; set; }

    public Inflights Inflights { get; } = new(maxInflight);

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.Full,
        _ => true,
    };

    public void BecomeProbe()
    {
        if (State == ProgressState.Snapshot)
        {
            // Resume right after the snapshot (or after what the follower acknowledged, if more).
            var pending = PendingSnapshot;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
    }

    public void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    public void BecomeSnapshot(SnapshotTransfer transfer)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = transfer.Snapshot.Metadata.Index;
        Transfer = transfer;
    }

    /// <summary>The follower acknowledged up to index; returns whether Match advanced.</summary>
    public bool MaybeUpdate(long index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// The follower rejected an append at <paramref name="rejected"/>; <paramref name="matchHint"/> is the
    /// highest index that may still match. Returns false for a stale rejection.
    /// </summary>
    public bool MaybeDecrTo(long rejected, long matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            // Match is known; a rejection at or below it answers an older append.
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match + 1;
            return true;
        }

        // In probe the only append in flight went out at Next-1; anything else is stale.
        if (Next - 1 != rejected)
        {
            return false;
        }

        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    /// <summary>Records that an append carrying entries up to lastIndex went out.</summary>
    public void SentEntries(int count, long lastIndex)
    {
        switch (State)
        {
            case ProgressState.Replicate:
                if (count > 0)
                {
                    Next = lastIndex + 1;
                    Inflights.Add(lastIndex);
                }

                break;
            case ProgressState.Probe:
                ProbeSent = true;
                break;
            default:
                throw new InvalidOperationException($"sending entries to {Id} in state {State}");
        }
    }

    public PeerProgress ToPublic() => new(Match, Next, State, RecentActive, IsLearner);

    private void ResetState(ProgressState state)
    {
        ProbeSent = false;
        PendingSnapshot = 0;
        Transfer = null;
        State = state;
        Inflights.Reset();
    }
}

namespace Raftex.Raft;

/// <summary>Why a proposal was not appended.</summary>
public enum ProposeDropReason : byte
{
    None = 0,
    NotLeader = 1,
    TransferInProgress = 2,
    UncommittedLimit = 3,

    /// <summary>Another membership change is still uncommitted or unapplied.</summary>
    ConfChangePending = 4,

    /// <summary>No entry of the leader's own term has committed yet (Ongaro's 2015 single-server change fix).</summary>
    NoCommitInTerm = 5,

    /// <summary>The change does not fit the current membership (e.g. promoting a non-learner).</summary>
    InvalidConfChange = 6,

    /// <summary>This node was removed from the group.</summary>
    Removed = 7,
}

/// <summary>Outcome of a proposal: dropped with a reason, or accepted at a log position (not yet committed).</summary>
public readonly record struct ProposeResult(bool Accepted, long Index, long Term, ProposeDropReason Reason)
{
    public static ProposeResult Dropped(ProposeDropReason reason) => new(false, 0, 0, reason);

    public static ProposeResult At(long index, long term) => new(true, index, term, ProposeDropReason.None);
}

namespace Raftex.Raft;

/// <summary>
/// The state Raft must find again after a crash: the current term and the vote cast in it.
/// Commit is carried along so a restarted node can re-apply without waiting for the leader,
/// but it need not be durable: losing it only delays applying, never breaks safety.
/// </summary>
public readonly record struct HardState(long Term, long Vote, long Commit)
{
    public static readonly HardState Empty = default;

    public bool IsEmpty => this == Empty;
}

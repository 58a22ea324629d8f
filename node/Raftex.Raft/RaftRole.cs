namespace Raftex.Raft;

/// <summary>The role a node plays in its current term.</summary>
public enum RaftRole : byte
{
    Follower = 0,

    /// <summary>Asking for pre-votes before bumping its term (so a partitioned node cannot disrupt).</summary>
    PreCandidate = 1,
    Candidate = 2,
    Leader = 3,
}

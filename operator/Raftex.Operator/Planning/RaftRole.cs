namespace Raftex.Operator.Planning;

/// <summary>A node's Raft role as the planner needs it.</summary>
public enum RaftRole
{
    /// <summary>Not a member, or the role is not known.</summary>
    Unknown,
    /// <summary>A voter following the leader.</summary>
    Follower,
    /// <summary>Campaigning (pre-vote or vote).</summary>
    Candidate,
    /// <summary>The leader.</summary>
    Leader,
    /// <summary>A non-voting member.</summary>
    Learner,
}

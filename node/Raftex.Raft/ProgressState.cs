namespace Raftex.Raft;

/// <summary>The leader's flow-control state for one follower.</summary>
public enum ProgressState : byte
{
    /// <summary>Match unknown: one append in flight at a time while the leader finds where logs agree.</summary>
    Probe = 0,

    /// <summary>Steady state: appends pipelined optimistically up to the in-flight limit.</summary>
    Replicate = 1,

    /// <summary>Follower is behind the leader's first index: a snapshot is being sent.</summary>
    Snapshot = 2,
}

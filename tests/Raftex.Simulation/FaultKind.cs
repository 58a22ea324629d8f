namespace Raftex.Simulation;

/// <summary>Everything the fault schedule can do to a cluster.</summary>
public enum FaultKind
{
    /// <summary>Split the live members into two random halves.</summary>
    PartitionHalves,

    /// <summary>Cut the current leader off from everyone.</summary>
    IsolateLeader,

    /// <summary>Each node reaches a majority, but no two nodes reach the same one.</summary>
    MajoritiesRing,

    /// <summary>One node can send but not receive (or the other way round).</summary>
    OneWayLink,

    /// <summary>Some links get extra latency, loss, duplication and reordering.</summary>
    FlakyLinks,

    /// <summary>A node crashes (losing its unsynced writes) and restarts after the fault's duration.</summary>
    Crash,

    /// <summary>A node's clock runs fast or slow.</summary>
    ClockDrift,

    /// <summary>A new node joins as a learner.</summary>
    AddLearner,

    /// <summary>A learner is promoted to voter.</summary>
    PromoteLearner,

    /// <summary>A voter (possibly the leader) is removed, keeping at least three voters.</summary>
    RemoveVoter,

    /// <summary>The leader hands leadership to another voter.</summary>
    TransferLeadership,

    /// <summary>Scripted (Raft paper §5.4.2, Figure 8): leaders crash with entries on a minority, terms pile up, old entries resurface.</summary>
    Figure8,

    /// <summary>Scripted: the leader proposes a membership change, then crashes or is cut off before it commits.</summary>
    LeaderChangeMidMembership,

    /// <summary>Scripted: the current leader is removed from the group (voters are added first if needed).</summary>
    RemoveLeader,

    /// <summary>Scripted: a follower is cut off for several election timeouts, then rejoins a stable cluster.</summary>
    RejoinAfterIsolation,

    /// <summary>Scripted: a follower falls behind the leader's compaction and catches up by snapshot while appends race it.</summary>
    SnapshotRace,

    /// <summary>Scripted: reads go to a cut-off leader whose clock is slow, after a new leader has acknowledged writes.</summary>
    ReadAcrossLeaderChange,
}

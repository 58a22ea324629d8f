using Raftex.Raft;

namespace Raftex.Simulation;

/// <summary>
/// One simulated server: the real <see cref="RaftNode"/>, its disk, its clock rate and its applied state.
/// The applied "state machine" is a hash chain over applied entries, which is what the checks compare.
/// </summary>
public sealed class SimNode(long id, SimDisk disk, long tickUs)
{
    public long Id { get; } = id;

    public SimDisk Disk { get; } = disk;

    /// <summary>Bumped on every restart; events for an older incarnation are void.</summary>
    public long Incarnation { get; set; }

    public bool Up { get; set; }

    /// <summary>Taken out of the group for good (removed member, or a joiner whose add was refused).</summary>
    public bool Gone { get; set; }

    public RaftNode? Raft { get; set; }

    public MemoryStorage? Storage { get; set; }

    /// <summary>This node's tick period (the nominal period with its clock drift).</summary>
    public long TickUs { get; set; } = tickUs;

    /// <summary>The Ready being persisted (fsync running); no new Ready is taken until it completes.</summary>
    public Ready? Persisting { get; set; }

    public long AppliedIndex { get; set; }

    public ulong Chain { get; set; }

    public ConfState ConfState { get; set; } = ConfState.Empty;

    public long LastSnapshotIndex { get; set; }

    /// <summary>Commit of the last hard state made durable by an fsync (a restart must not come back below it).</summary>
    public long LastSyncedCommit { get; set; }

    public long Term { get; set; }

    public long Commit { get; set; }

    public RaftRole Role { get; set; }

    public long Lead { get; set; }

    /// <summary>The last term in which this node was seen leading (election safety is checked once per term).</summary>
    public long LeaderTerm { get; set; }

    public bool IsLeader => Up && Role == RaftRole.Leader;

    /// <summary>The storage Raft reads in this incarnation, with its per-step read budget.</summary>
    internal BudgetedStorage? Reads { get; set; }

    /// <summary>This incarnation applied its own removal: from then on it must not lead, append or grant votes.</summary>
    public bool RemovedSelf { get; set; }

    /// <summary>Readies taken since this incarnation applied its own removal.</summary>
    public int ReadiesSinceRemoval { get; set; }

    /// <summary>The commit index last seen on this node while it leads <see cref="LeaderTerm"/>.</summary>
    public long LeaderCommitSeen { get; set; }

    /// <summary>Terms of the entries this node sent while leading <see cref="LeaderTerm"/> (its log beyond what it has written).</summary>
    public Dictionary<long, long> LeaderEntries { get; } = [];

    /// <summary>This leader's ticks since it could last reach a quorum of its voters over the network.</summary>
    public int TicksWithoutQuorum { get; set; }

    /// <summary>The Raft term seen after this node's last step (to notice increases as they happen).</summary>
    public long SeenTerm { get; set; }

    /// <summary>Whether this node was leading after its last step (to notice it losing leadership).</summary>
    public bool WasLeading { get; set; }

    public override string ToString() => $"n{Id}";
}

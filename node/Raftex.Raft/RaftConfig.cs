namespace Raftex.Raft;

/// <summary>Settings of one Raft node. Times are in ticks of <see cref="RaftNode.Tick"/>; call <see cref="Validate"/> (the node does) before use.</summary>
public sealed class RaftConfig
{
    /// <summary>This node's id: positive; 0 means "none".</summary>
    public long NodeId { get; init; }

    /// <summary>Base election timeout; each node waits a random time in [ElectionTicks, 2*ElectionTicks).</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>A leader sends heartbeats every HeartbeatTicks; must be below ElectionTicks.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Upper bound on the entry bytes of one append message (one entry always fits).</summary>
    public int MaxSizePerMessage { get; init; } = 1024 * 1024;

    /// <summary>Append messages in flight per follower in the replicate state.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Bytes of proposed but uncommitted payload a leader accepts before dropping proposals; 0 means unlimited.</summary>
    public int MaxUncommittedEntriesBytes { get; init; }

    /// <summary>Run a pre-vote round before bumping the term (Raft thesis §9.6).</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>Leaders step down without a quorum, and followers hold a leader lease against votes (thesis §6.2, §4.2.3).</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Bytes of snapshot data per snapshot message.</summary>
    public int SnapshotChunkBytes { get; init; } = 64 * 1024;

    /// <summary>Index the application had already applied when this node (re)started.</summary>
    public long Applied { get; init; }

    /// <summary>The log and state Raft restarts from.</summary>
    public IRaftStorage? Storage { get; init; }

    /// <summary>Seeded source of every random choice Raft makes.</summary>
    public Random? Random { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (NodeId <= 0)
        {
            throw new ArgumentException($"NodeId must be positive (0 means none), got {NodeId}", nameof(NodeId));
        }

        if (HeartbeatTicks <= 0)
        {
            throw new ArgumentException($"HeartbeatTicks must be positive, got {HeartbeatTicks}", nameof(HeartbeatTicks));
        }

        if (ElectionTicks <= HeartbeatTicks)
        {
            throw new ArgumentException(
                $"ElectionTicks must be greater than HeartbeatTicks, got ElectionTicks={ElectionTicks} HeartbeatTicks={HeartbeatTicks}",
                nameof(ElectionTicks));
        }

        if (MaxSizePerMessage <= 0)
        {
            throw new ArgumentException($"MaxSizePerMessage must be positive, got {MaxSizePerMessage}", nameof(MaxSizePerMessage));
        }

        if (MaxInflightMessages <= 0)
        {
            throw new ArgumentException($"MaxInflightMessages must be positive, got {MaxInflightMessages}", nameof(MaxInflightMessages));
        }

        if (MaxUncommittedEntriesBytes < 0)
        {
            throw new ArgumentException(
                $"MaxUncommittedEntriesBytes must be 0 (unlimited) or positive, got {MaxUncommittedEntriesBytes}",
                nameof(MaxUncommittedEntriesBytes));
        }

        if (SnapshotChunkBytes <= 0)
        {
            throw new ArgumentException($"SnapshotChunkBytes must be positive, got {SnapshotChunkBytes}", nameof(SnapshotChunkBytes));
        }

        if (Applied < 0)
        {
            throw new ArgumentException($"Applied must not be negative, got {Applied}", nameof(Applied));
        }

        if (Storage is null)
        {
            throw new ArgumentException("Storage is required", nameof(Storage));
        }

        if (Random is null)
        {
            throw new ArgumentException("Random is required: a seeded source keeps runs reproducible", nameof(Random));
        }
    }
}

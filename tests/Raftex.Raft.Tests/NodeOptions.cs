namespace Raftex.Raft.Tests;

/// <summary>Knobs the tests turn on the nodes they build.</summary>
internal sealed record NodeOptions(
    int ElectionTicks = 10,
    int HeartbeatTicks = 1,
    bool PreVote = true,
    bool CheckQuorum = true,
    int MaxSizePerMessage = 1024 * 1024,
    int MaxInflightMessages = 256,
    int MaxUncommittedEntriesBytes = 0,
    int SnapshotChunkBytes = 64 * 1024)
{
    public RaftConfig ToConfig(long id, IRaftStorage storage, int seed, long applied = 0) => new()
    {
        NodeId = id,
        ElectionTicks = ElectionTicks,
        HeartbeatTicks = HeartbeatTicks,
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
        MaxSizePerMessage = MaxSizePerMessage,
        MaxInflightMessages = MaxInflightMessages,
        MaxUncommittedEntriesBytes = MaxUncommittedEntriesBytes,
        SnapshotChunkBytes = SnapshotChunkBytes,
        Applied = applied,
        Storage = storage,
        Random = new Random(seed),
    };
}

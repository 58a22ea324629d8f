using Raftex.Raft;

namespace Raftex.Node;

/// <summary>What the Raft loop last published about itself, read by handlers on other threads.</summary>
internal sealed record RaftView(
    RaftRole Role,
    long Term,
    long Leader,
    long Commit,
    long LastIndex,
    long LastTerm,
    long SnapshotIndex,
    ConfState ConfState,
    IReadOnlyDictionary<long, PeerProgress> Progress,
    long LeadTransferee,
    bool SelfIsMember,
    bool SelfIsLearner)
{
    public static readonly RaftView Initial = new(RaftRole.Follower, 0, 0, 0, 0, 0, 0, ConfState.Empty, new Dictionary<long, PeerProgress>(), 0, false, false);

    public bool IsLeader => Role == RaftRole.Leader;
}

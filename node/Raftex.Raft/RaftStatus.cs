namespace Raftex.Raft;

/// <summary>A point-in-time view of a node, for the admin API, metrics and tests.</summary>
public sealed record RaftStatus(
    long Id,
    RaftRole Role,
    long Term,
    long Vote,
    long Lead,
    long Commit,
    long Applied,
    long LastIndex,
    ConfState ConfState,
    IReadOnlyDictionary<long, PeerProgress> Progress,
    long LeadTransferee);

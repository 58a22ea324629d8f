namespace Raftex.Raft;

/// <summary>A snapshot of the leader's view of one peer.</summary>
public readonly record struct PeerProgress(long Match, long Next, ProgressState State, bool RecentActive, bool IsLearner);

namespace Raftex.Raft;

/// <summary>Volatile state worth telling the application about: who leads, and this node's role.</summary>
public readonly record struct SoftState(long Lead, RaftRole Role);

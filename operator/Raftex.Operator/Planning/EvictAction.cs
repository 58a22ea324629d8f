namespace Raftex.Operator.Planning;

/// <summary>Evict a pod through the Eviction API with its UID as precondition.</summary>
public sealed record EvictAction(string Pod, string Uid) : PlannedAction;

namespace Raftex.Operator.Planning;

/// <summary>
/// Evict a pod through the Eviction API with its UID as precondition; when <paramref name="ThenReplicas"/> is set
/// (scale-down), lower the StatefulSet replicas to it once the eviction is accepted or the pod is already gone.
/// </summary>
public sealed record EvictAction(string Pod, string Uid, int? ThenReplicas = null) : PlannedAction;

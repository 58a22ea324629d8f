namespace Raftex.Operator.Planning;

/// <summary>Stop the operation and mark the cluster Degraded.</summary>
public sealed record MarkDegradedAction(string Reason) : PlannedAction;

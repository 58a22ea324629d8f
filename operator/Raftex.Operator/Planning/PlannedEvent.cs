namespace Raftex.Operator.Planning;

/// <summary>A Kubernetes Event the reconciler records with the action.</summary>
public sealed record PlannedEvent(string Reason, string Message, bool Warning = false);

namespace Raftex.Operator.Planning;

/// <summary>The one thing the reconciler does next. Each subtype is one Admin or Kubernetes call, or none.</summary>
public abstract record PlannedAction;

namespace Raftex.Operator.Planning;

/// <summary>Set the StatefulSet's replicas.</summary>
public sealed record SetReplicasAction(int Replicas) : PlannedAction;

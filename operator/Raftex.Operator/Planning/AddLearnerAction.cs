namespace Raftex.Operator.Planning;

/// <summary>Add a node as a learner (on the leader).</summary>
public sealed record AddLearnerAction(ulong NodeId, string Incarnation) : PlannedAction;

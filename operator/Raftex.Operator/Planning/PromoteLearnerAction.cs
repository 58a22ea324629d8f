namespace Raftex.Operator.Planning;

/// <summary>Promote a caught-up learner to voter (on the leader).</summary>
public sealed record PromoteLearnerAction(ulong NodeId) : PlannedAction;

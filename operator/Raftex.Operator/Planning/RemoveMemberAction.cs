namespace Raftex.Operator.Planning;

/// <summary>Remove a member, only if it still has that incarnation (on the leader).</summary>
public sealed record RemoveMemberAction(ulong NodeId, string Incarnation) : PlannedAction;

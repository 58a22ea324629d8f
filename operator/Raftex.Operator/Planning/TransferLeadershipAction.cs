namespace Raftex.Operator.Planning;

/// <summary>Ask the leader to hand leadership to a follower.</summary>
public sealed record TransferLeadershipAction(ulong FromNodeId, ulong ToNodeId) : PlannedAction;

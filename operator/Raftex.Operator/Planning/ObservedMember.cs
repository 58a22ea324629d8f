namespace Raftex.Operator.Planning;

/// <summary>One entry of the Raft configuration in the leader's view.</summary>
public sealed record ObservedMember(ulong NodeId, bool IsVoter, ulong MatchIndex, string Incarnation);

using Raftex.Protocol.V1;

namespace Raftex.Operator.Tests.Fakes;

/// <summary>One entry of the simulated Raft configuration, with the leader's progress for it.</summary>
internal sealed class FakeMember(ulong nodeId, string address, MemberKind kind, string incarnation)
{
    public ulong NodeId { get; } = nodeId;
    public string Address { get; } = address;
    public MemberKind Kind { get; set; } = kind;
    public string Incarnation { get; set; } = incarnation;
    public ulong MatchIndex { get; set; }
}

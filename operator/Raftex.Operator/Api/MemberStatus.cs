using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>One Raft member as observed by the operator.</summary>
[Description("One Raft member.")]
public sealed record MemberStatus
{
    [Description("Pod name.")]
    public string? Pod { get; init; }

    [Description("Raft node id (pod ordinal + 1).")]
    public long? NodeId { get; init; }

    [Description("Incarnation id of the node's data directory.")]
    public string? Incarnation { get; init; }

    [Description("Voter or Learner.")]
    public MemberRole? Role { get; init; }

    [Description("Highest log index replicated on the member (leader's view).")]
    public long? MatchIndex { get; init; }

    [Description("Whether the pod is ready.")]
    public bool? Ready { get; init; }

    [Description("Pod template revision the pod runs.")]
    public string? Revision { get; init; }
}

using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>The current Raft leader as observed by the operator.</summary>
[Description("Current Raft leader.")]
public sealed record LeaderStatus
{
    [Description("Pod name of the leader.")]
    public string? Pod { get; init; }

    [Description("Raft node id of the leader.")]
    public long? NodeId { get; init; }
}

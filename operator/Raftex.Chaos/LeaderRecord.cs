using System.ComponentModel;

namespace Raftex.Chaos;

/// <summary>A Raft leader at one moment.</summary>
[Description("A Raft leader.")]
public sealed record LeaderRecord
{
    [Description("Pod name.")]
    public string Pod { get; init; } = string.Empty;

    [Description("Raft node id.")]
    public long NodeId { get; init; }

    [Description("Term it led in.")]
    public long Term { get; init; }
}

using System.ComponentModel;

namespace Raftex.Chaos;

/// <summary>One target of a run.</summary>
[Description("One target.")]
public sealed record TargetRecord
{
    [Description("Pod name.")]
    public string Pod { get; init; } = string.Empty;

    [Description("Raft node id.")]
    public long NodeId { get; init; }

    [Description("When its fault was injected.")]
    public DateTime? InjectedAt { get; init; }

    [Description("When it answered again, a member with a known leader, after healing.")]
    public DateTime? RecoveredAt { get; init; }
}

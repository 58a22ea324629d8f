using System.ComponentModel;

namespace Raftex.Chaos;

/// <summary>The result of one earlier scheduled run.</summary>
[Description("One earlier run.")]
public sealed record RunRecord
{
    [Description("When it started.")]
    public DateTime? StartedAt { get; init; }

    [Description("When it ended.")]
    public DateTime? CompletedAt { get; init; }

    [Description("Pass or Fail.")]
    public ChaosVerdict? Verdict { get; init; }

    [Description("Why.")]
    public string? Reason { get; init; }

    [Description("Targets in one line.")]
    public string? Target { get; init; }

    [Description("Seconds to recover after healing.")]
    public double? RecoverySeconds { get; init; }
}

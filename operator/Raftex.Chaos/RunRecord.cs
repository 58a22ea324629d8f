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

    [Description("Completed (with a verdict) or Failed (the run could not be carried out; the reason says why).")]
    public ChaosPhase? Phase { get; init; }

    [Description("Pass or Fail.")]
    public ChaosVerdict? Verdict { get; init; }

    [Description("Why.")]
    public string? Reason { get; init; }

    [Description("Targets in one line.")]
    public string? Target { get; init; }

    [Description("Seconds to recover after healing.")]
    public double? RecoverySeconds { get; init; }

    [Description("Longest gap without a committed probe deposit, in seconds.")]
    public double? UnavailabilitySeconds { get; init; }
}

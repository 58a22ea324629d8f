using System.ComponentModel;

namespace Raftex.Chaos;

/// <summary>Progress and result of an experiment; everything a restarted operator needs to resume or heal.</summary>
[Description("Observed state, written by the operator (or kept in memory by raftex-chaos).")]
public sealed record ChaosExperimentStatus
{
    [Description("Pending, Injecting, Injected, Recovering, Completed or Failed.")]
    public ChaosPhase? Phase { get; init; }

    [Description("The targets in one line (pods, or the partition groups).")]
    public string? Target { get; init; }

    [Description("Selected, AllInjected and AllRecovered.")]
    public IList<ChaosCondition>? Conditions { get; init; }

    [Description("One record per target.")]
    public IList<TargetRecord>? Targets { get; init; }

    [Description("When this run started (targets selected).")]
    public DateTime? StartedAt { get; init; }

    [Description("When every fault was in place.")]
    public DateTime? InjectedAt { get; init; }

    [Description("When the faults are healed (injection time plus duration).")]
    public DateTime? HealAt { get; init; }

    [Description("When the faults were healed.")]
    public DateTime? HealedAt { get; init; }

    [Description("Leader's commit index when the faults were healed; recovery means commits beyond it.")]
    public long? HealCommitIndex { get; init; }

    [Description("When a leader existed and commits had resumed after healing.")]
    public DateTime? RecoveredAt { get; init; }

    [Description("When the verdict was written.")]
    public DateTime? CompletedAt { get; init; }

    [Description("Leader when the run started.")]
    public LeaderRecord? LeaderBefore { get; init; }

    [Description("Leader when the run ended.")]
    public LeaderRecord? LeaderAfter { get; init; }

    [Description("Leader last seen (to count changes).")]
    public LeaderRecord? LastLeader { get; init; }

    [Description("Leader changes seen during the run.")]
    public int? LeaderChanges { get; init; }

    [Description("Forced transfers done by a LeaderTransferStorm.")]
    public int? Transfers { get; init; }

    [Description("When the last forced transfer was asked for.")]
    public DateTime? LastTransferAt { get; init; }

    [Description("Longest gap without a committed probe deposit, in seconds.")]
    public double? UnavailabilitySeconds { get; init; }

    [Description("Seconds from healing until a leader existed and commits had resumed.")]
    public double? RecoverySeconds { get; init; }

    [Description("Correctness probe counts.")]
    public ProbeStatus? Probe { get; init; }

    [Description("Pass or Fail.")]
    public ChaosVerdict? Verdict { get; init; }

    [Description("Why the verdict (or the failure) is what it is.")]
    public string? Reason { get; init; }

    [Description("When the next scheduled run starts.")]
    public DateTime? NextRunAt { get; init; }

    [Description("Results of earlier scheduled runs, newest first, at most spec.historyLimit.")]
    public IList<RunRecord>? History { get; init; }

    [Description("Generation of the spec last acted on.")]
    public long? ObservedGeneration { get; init; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>What the user declares: one bounded fault against one ExchangeCluster, and the checks that judge it.</summary>
[Description("A bounded fault to inject into an ExchangeCluster, and the checks that decide the verdict.")]
public sealed class ChaosExperimentSpec
{
    [Required]
    [Description("Name of the ExchangeCluster (same namespace) to inject into.")]
    [MinLength(1)]
    public string ClusterRef { get; set; } = string.Empty;

    [Required]
    [Description("Partition, PodKill, Delay, Loss, ClockSkew or LeaderTransferStorm.")]
    public ChaosAction? Action { get; set; }

    [Description("Which members become targets (ignored for a partition with explicit groups).")]
    public TargetSelectorSpec? Selector { get; set; }

    [Description("Partition shape: isolate the targets from the rest, or explicit groups; and the direction cut.")]
    public PartitionSpec? Partition { get; set; }

    [Description("Delay parameters.")]
    public DelaySpec? Delay { get; set; }

    [Description("Loss parameters.")]
    public LossSpec? Loss { get; set; }

    [Description("Clock skew parameters.")]
    public ClockSkewSpec? ClockSkew { get; set; }

    [Description("PodKill parameters.")]
    public PodKillSpec? PodKill { get; set; }

    [Description("LeaderTransferStorm parameters.")]
    public TransferStormSpec? LeaderTransferStorm { get; set; }

    [Description("How long the fault lasts, e.g. 30s, 2m (at most 1h); required for every action but PodKill. Nodes clear the fault by themselves when it ends.")]
    [RegularExpression("^[0-9]+(ms|s|m|h)$")]
    public string? Duration { get; set; }

    [Description("Cron schedule (minute hour day-of-month month day-of-week, UTC) to repeat the experiment; absent runs it once.")]
    public string? Schedule { get; set; }

    [Description("Results kept in status.history when scheduled.")]
    [Range(1, 100)]
    [DefaultValue(10)]
    public int? HistoryLimit { get; set; }

    [Description("Recovery bound and correctness probe.")]
    public ChecksSpec? Checks { get; set; }
}

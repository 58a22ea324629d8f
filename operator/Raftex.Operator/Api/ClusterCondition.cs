using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>A standard Kubernetes condition (type, status, reason, message, transition time, generation).</summary>
[Description("A standard condition.")]
public sealed record ClusterCondition
{
    [Required]
    [Description("Available, Progressing, Degraded, QuorumAtRisk or DiskFull.")]
    public string Type { get; init; } = string.Empty;

    [Required]
    [Description("True, False or Unknown.")]
    [RegularExpression("^(True|False|Unknown)$")]
    public string Status { get; init; } = "Unknown";

    [Description("CamelCase reason for the last transition.")]
    public string? Reason { get; init; }

    [Description("Human-readable details.")]
    public string? Message { get; init; }

    [Description("When the status last changed.")]
    public DateTime? LastTransitionTime { get; init; }

    [Description("Generation of the spec the condition was computed from.")]
    public long? ObservedGeneration { get; init; }
}

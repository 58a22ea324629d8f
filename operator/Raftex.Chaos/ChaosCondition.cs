using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>A standard Kubernetes condition.</summary>
[Description("A standard condition.")]
public sealed record ChaosCondition
{
    [Required]
    [Description("Selected, AllInjected or AllRecovered.")]
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
}

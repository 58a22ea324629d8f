using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>Offset added to the targets' clocks.</summary>
[Description("Clock skew parameters.")]
public sealed class ClockSkewSpec
{
    /// <summary>Seven days, the bound the node enforces too.</summary>
    public const long MaxOffsetSeconds = 604_800;

    [Required]
    [Description("Seconds added to the targets' clocks (negative: behind); at most 7 days either way, never 0.")]
    [Range(-MaxOffsetSeconds, MaxOffsetSeconds)]
    public long? OffsetSeconds { get; set; }
}

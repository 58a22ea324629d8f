using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Raftex.Protocol.V1;

namespace Raftex.Chaos;

/// <summary>Offset added to the targets' clocks.</summary>
[Description("Clock skew parameters.")]
public sealed class ClockSkewSpec
{
    /// <summary>Seven days: the node's own bound (<see cref="FaultLimits.MaxClockSkewSeconds"/>), so a spec the operator accepts is one the node accepts.</summary>
    public const long MaxOffsetSeconds = FaultLimits.MaxClockSkewSeconds;

    [Required]
    [Description("Seconds added to the targets' clocks (negative: behind); at most 7 days either way, never 0.")]
    [Range(-MaxOffsetSeconds, MaxOffsetSeconds)]
    public long? OffsetSeconds { get; set; }
}

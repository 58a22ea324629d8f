using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>Latency added to the targets' peer messages.</summary>
[Description("Delay parameters.")]
public sealed class DelaySpec
{
    [Required]
    [Description("Latency added to every peer message of the targets, in milliseconds.")]
    [Range(1, 60_000)]
    public int? LatencyMs { get; set; }

    [Description("Random extra latency up to this many milliseconds.")]
    [Range(0, 60_000)]
    [DefaultValue(0)]
    public int? JitterMs { get; set; }
}

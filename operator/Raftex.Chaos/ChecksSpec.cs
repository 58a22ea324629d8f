using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>What decides the verdict.</summary>
[Description("Checks that decide the verdict.")]
public sealed class ChecksSpec
{
    [Description("Seconds after healing within which a leader must exist and commits must resume.")]
    [Range(1, 3600)]
    [DefaultValue(30)]
    public int? MaxRecoverySeconds { get; set; }

    [Description("Run the correctness probe: numbered idempotent deposits to a probe account, checked against its balance.")]
    [DefaultValue(true)]
    public bool? Probe { get; set; }

    [Description("Account the probe deposits into; use one that nothing else touches.")]
    [Range(1, long.MaxValue)]
    [DefaultValue(900_000_001L)]
    public long? ProbeAccount { get; set; }

    [Description("Asset the probe deposits; must be an asset of the cluster's symbols.")]
    [DefaultValue("USD")]
    public string? ProbeAsset { get; set; }
}

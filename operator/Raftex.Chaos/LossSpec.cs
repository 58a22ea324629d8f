using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>Share of the targets' peer messages dropped.</summary>
[Description("Loss parameters.")]
public sealed class LossSpec
{
    [Required]
    [Description("Percentage of the targets' peer messages dropped.")]
    [Range(1, 100)]
    public int? Percent { get; set; }
}

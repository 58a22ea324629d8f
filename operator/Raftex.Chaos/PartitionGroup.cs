using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>One side of an explicit partition.</summary>
[Description("One group of an explicit partition.")]
public sealed class PartitionGroup
{
    [Required]
    [Description("Pods in this group.")]
    [MinLength(1)]
    public IList<string> Pods { get; set; } = [];
}

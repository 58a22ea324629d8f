using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Chaos;

/// <summary>How a partition splits the cluster.</summary>
[Description("Partition shape.")]
public sealed class PartitionSpec
{
    [Description("Explicit groups of pods; each group is cut off from every member outside it. Absent: the targets are cut off from the rest.")]
    [MaxLength(9)]
    public IList<PartitionGroup>? Groups { get; set; }

    [Description("Both, To (messages to the isolated side are cut) or From (messages from it are cut).")]
    [DefaultValue("Both")]
    public PartitionDirection? Direction { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>How pods are restarted when their template changes.</summary>
[Description("How pods are restarted when their template changes.")]
public sealed class UpdateStrategySpec
{
    [Description("RaftAware rolls followers then the leader after a transfer; Supervised also waits for the annotation raftex.io/approve-leader-restart to name the update revision before restarting the leader.")]
    [DefaultValue("RaftAware")]
    public UpdateStrategyType? Type { get; set; }

    [Description("A voter counts as caught up when its match index is within this many entries of the commit index.")]
    [Range(0, 1_000_000)]
    [DefaultValue(64)]
    public long? MaxLagEntries { get; set; }
}

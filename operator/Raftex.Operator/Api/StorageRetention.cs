using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>Volume claim retention, passed to the StatefulSet's persistentVolumeClaimRetentionPolicy.</summary>
[Description("What happens to the node volumes when the cluster is deleted or scaled down.")]
public sealed class StorageRetention
{
    [Description("Claims of all pods when the ExchangeCluster is deleted.")]
    [DefaultValue("Retain")]
    public ClaimRetention? WhenDeleted { get; set; }

    [Description("Claims of removed pods when the cluster scales down.")]
    [DefaultValue("Retain")]
    public ClaimRetention? WhenScaled { get; set; }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using k8s.Models;

namespace Raftex.Operator.Api;

/// <summary>The persistent volume each node keeps its Raft log and snapshots on.</summary>
[Description("Persistent volume of each node (Raft log and snapshots). Size and class are fixed at creation.")]
[ValidationRule("has(self.storageClassName) == has(oldSelf.storageClassName)",
    "storage.storageClassName is immutable: it cannot be added or removed after creation, because StatefulSet volume claim templates cannot change")]
public sealed class StorageSpec
{
    [Required]
    [Description("Volume size per node, e.g. 10Gi. Immutable after creation.")]
    [DefaultValue("1Gi")]
    [ValidationRule("self == oldSelf", "storage.size is immutable: StatefulSet volume claim templates cannot change; create a new cluster to resize")]
    public ResourceQuantity? Size { get; set; }

    [Description("StorageClass of the volumes; the cluster default when omitted. Immutable after creation.")]
    [ValidationRule("self == oldSelf", "storage.storageClassName is immutable: StatefulSet volume claim templates cannot change")]
    public string? StorageClassName { get; set; }

    [Description("Volume claim retention on delete and on scale-down.")]
    public StorageRetention? Retention { get; set; }
}

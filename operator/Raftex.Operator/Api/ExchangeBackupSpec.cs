using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>What the user declares: back up one cluster into one store.</summary>
[Description("Desired backup: the cluster, the store and the method.")]
public sealed class ExchangeBackupSpec
{
    [Required]
    [Description("Name of the ExchangeCluster, in the same namespace, to back up.")]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [ValidationRule("self == oldSelf", "clusterRef is immutable: a backup belongs to one cluster")]
    public string ClusterRef { get; set; } = string.Empty;

    [Required]
    [Description("Where the backup is written; the backup is stored under this object's name.")]
    public BackupStoreSpec Store { get; set; } = new();

    [Description("How the backup is taken: Snapshot streams a Raft snapshot at a committed index out of one member, a follower when one is ready.")]
    [DefaultValue(nameof(BackupMethod.Snapshot))]
    public BackupMethod? Method { get; set; }
}

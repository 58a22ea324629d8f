using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>What the user declares: an exchange replicated by Raft over N nodes.</summary>
[Description("Desired state of an exchange replicated by Raft.")]
public sealed class ExchangeClusterSpec
{
    [Description("Number of Raft nodes (voters). An odd count is recommended: an even count tolerates no more failures than one fewer.")]
    [Range(1, 9)]
    [DefaultValue(3)]
    public int? Replicas { get; set; }

    [Required]
    [Description("Container image of the Raftex node.")]
    [MinLength(1)]
    public string Image { get; set; } = string.Empty;

    [Required]
    [Description("Symbols traded on this cluster; names are unique.")]
    [ListMapKey("name")]
    [MinLength(1)]
    [MaxLength(256)]
    public IList<SymbolSpec> Symbols { get; set; } = [];

    [Description("CPU and memory of each node container.")]
    public ComputeResources? Resources { get; set; }

    [Description("Persistent volume of each node.")]
    public StorageSpec Storage { get; set; } = new();

    [Description("Raft timings and log compaction.")]
    public RaftTimings? Raft { get; set; }

    [Description("Client Service type and node ports.")]
    public ServiceSpec? Service { get; set; }

    [Description("How pods are restarted when their template changes.")]
    public UpdateStrategySpec? UpdateStrategy { get; set; }

    [Description("Seconds a restarted or new pod may take to become ready and caught up before the cluster is marked Degraded and the rollout stops.")]
    [Range(10, 86_400)]
    [DefaultValue(600)]
    public int? PodReadinessTimeoutSeconds { get; set; }

    [Description("Scheduled backups into a store, with retention.")]
    public BackupScheduleSpec? Backup { get; set; }

    [Description("How the cluster starts (read once, before any node exists).")]
    public BootstrapSpec? Bootstrap { get; set; }
}

using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>Observed state of an ExchangeCluster: intent and fact side by side.</summary>
[Description("Observed state, written by the operator.")]
public sealed record ExchangeClusterStatus
{
    [Description("Creating, Running, Updating, Scaling, Degraded or Failed.")]
    public ClusterPhase? Phase { get; init; }

    [Description("Cluster id generated once at bootstrap; every node's data directory carries it.")]
    public string? ClusterId { get; init; }

    [Description("Number of pods that bootstrapped the cluster (ordinals 0..n-1); every later pod joins as a learner.")]
    public int? InitialMembers { get; init; }

    [Description("Number of pods.")]
    public int? Replicas { get; init; }

    [Description("Number of ready pods.")]
    public int? ReadyReplicas { get; init; }

    [Description("Label selector of the pods, for the scale subresource.")]
    public string? Selector { get; init; }

    [Description("Current Raft leader.")]
    public LeaderStatus? Leader { get; init; }

    [Description("Current Raft term.")]
    public long? Term { get; init; }

    [Description("Leader's commit index.")]
    public long? CommitIndex { get; init; }

    [Description("Raft members.")]
    public IList<MemberStatus>? Members { get; init; }

    [Description("Pod template revision every pod ran at the end of the last completed rollout.")]
    public string? CurrentRevision { get; init; }

    [Description("Pod template revision of the current spec.")]
    public string? UpdateRevision { get; init; }

    [Description("Operation in flight, if any.")]
    public OperationProgress? Progress { get; init; }

    [Description("Log entry format version the cluster writes.")]
    public long? EntryFormatVersion { get; init; }

    [Description("Generation of the spec last reconciled.")]
    public long? ObservedGeneration { get; init; }

    [Description("When volatile fields (term, commit index, match indexes) were last written; bounds the status write rate.")]
    public DateTime? LastObservedAt { get; init; }

    [Description("Progress of the backup schedule.")]
    public BackupScheduleStatus? Backup { get; init; }

    [Description("The backup the cluster was restored from at bootstrap.")]
    public RestoredFrom? RestoredFrom { get; init; }

    [Description("The last forced recovery from a lost quorum.")]
    public RecoveryStatus? Recovery { get; init; }

    [Description("Available, Progressing, Degraded, QuorumAtRisk, QuorumLost, DiskFull and, for a restored cluster, Restored.")]
    [ListMapKey("type")]
    public IList<ClusterCondition>? Conditions { get; init; }
}

using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>Observed state of an ExchangeBackup: its phase and, once Completed, what its manifest records.</summary>
[Description("Observed state, written by the operator.")]
public sealed record ExchangeBackupStatus
{
    [Description("Pending, Running, Completed or Failed.")]
    public BackupPhase? Phase { get; init; }

    [Description("When the operator started streaming the backup.")]
    public DateTime? StartTime { get; init; }

    [Description("When the backup was Completed (written and verified) or Failed.")]
    public DateTime? CompletionTime { get; init; }

    [Description("Raft index the backup is consistent at (a committed index).")]
    public long? Index { get; init; }

    [Description("Raft term of the entry at index.")]
    public long? Term { get; init; }

    [Description("Exchange state hash at index, 16 hex digits.")]
    public string? StateHash { get; init; }

    [Description("Layout version of the backup manifest.")]
    public long? FormatVersion { get; init; }

    [Description("Bytes of the snapshot data.")]
    public long? Size { get; init; }

    [Description("SHA-256 of the snapshot data, hex.")]
    public string? Sha256 { get; init; }

    [Description("Where the backup is: the store location and the backup name.")]
    public string? Location { get; init; }

    [Description("Raft node id of the member the snapshot was taken on.")]
    public long? NodeId { get; init; }

    [Description("Generation of the spec last reconciled.")]
    public long? ObservedGeneration { get; init; }

    [Description("Ready (Completed) with the reason of a failure or wait: ClusterNotFound, ClusterNotAvailable, or the failed check (ChecksumMismatch, StoreUnavailable...).")]
    [ListMapKey("type")]
    public IList<ClusterCondition>? Conditions { get; init; }
}

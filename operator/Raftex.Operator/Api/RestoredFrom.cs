using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>The verified backup a cluster was bootstrapped from.</summary>
[Description("The verified backup the cluster was bootstrapped from.")]
public sealed record RestoredFrom
{
    [Description("Name of the backup in its store.")]
    public string? Backup { get; init; }

    [Description("Store location the nodes restore from.")]
    public string? Location { get; init; }

    [Description("The store, as resolved at bootstrap: node pods mount it (filesystem) or get its credentials (s3).")]
    public BackupStoreSpec? Store { get; init; }

    [Description("Raft index of the backup; the restored log continues after it.")]
    public long? Index { get; init; }

    [Description("Raft term of the backup.")]
    public long? Term { get; init; }

    [Description("Exchange state hash at index, 16 hex digits: the restored cluster starts with this hash.")]
    public string? StateHash { get; init; }
}

using Raftex.Backup;

namespace Raftex.Operator.Backups;

/// <summary>The CamelCase condition reason for a failed backup check, e.g. <c>ChecksumMismatch</c>; restores prefix it with <c>Backup</c>.</summary>
public static class BackupReasons
{
    /// <summary>The reason naming <paramref name="check"/>.</summary>
    public static string Of(BackupCheck check) => check switch
    {
        BackupCheck.NotFound => "NotFound",
        BackupCheck.Manifest => "ManifestInvalid",
        BackupCheck.Format => "FormatUnsupported",
        BackupCheck.Size => "SizeMismatch",
        BackupCheck.Checksum => "ChecksumMismatch",
        BackupCheck.SnapshotFile => "SnapshotFileCorrupt",
        BackupCheck.StateHash => "StateHashMismatch",
        _ => "StoreUnavailable",
    };

    /// <summary>The reason of a refused restore: <c>Backup</c> + <see cref="Of"/>.</summary>
    public static string OfRestore(BackupCheck check) => "Backup" + Of(check);
}

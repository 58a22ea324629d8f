namespace Raftex.Backup;

/// <summary>A backup that cannot be written, read or trusted: names the backup, the check that failed, and what to do.</summary>
public sealed class BackupException : Exception
{
    public BackupException(string location, BackupCheck check, string detail, Exception? inner = null)
        : base($"backup {location}: {CheckName(check)} check failed: {detail}. {HintFor(check)}", inner)
    {
        Location = location;
        Check = check;
        Detail = detail;
    }

    public BackupException()
        : this(string.Empty, BackupCheck.Store, string.Empty)
    {
    }

    public BackupException(string message)
        : base(message)
    {
        Location = string.Empty;
        Detail = message;
    }

    public BackupException(string message, Exception inner)
        : base(message, inner)
    {
        Location = string.Empty;
        Detail = message;
    }

    /// <summary>Where the backup is (store location and name).</summary>
    public string Location { get; }

    public BackupCheck Check { get; }

    /// <summary>What was found, without the location and hint.</summary>
    public string Detail { get; }

    /// <summary>What the operator of the system should do.</summary>
    public string Hint => HintFor(Check);

    public static string CheckName(BackupCheck check) => check switch
    {
        BackupCheck.NotFound => "presence",
        BackupCheck.Manifest => "manifest",
        BackupCheck.Format => "format version",
        BackupCheck.Size => "size",
        BackupCheck.Checksum => "checksum",
        BackupCheck.SnapshotFile => "snapshot file",
        BackupCheck.StateHash => "state hash",
        _ => "store",
    };

    public static string HintFor(BackupCheck check) => check switch
    {
        BackupCheck.NotFound => "Check the backup name and store, or list the store's backups (kubectl get xb).",
        BackupCheck.Format => "Restore with a Raftex build that reads this format, or pick a backup written by this one.",
        BackupCheck.Store => "Check the store's address, credentials and free space, then retry.",
        _ => "The backup is damaged or incomplete: do not use it; restore from another backup (an older one, or take a new one).",
    };
}

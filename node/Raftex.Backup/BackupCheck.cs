namespace Raftex.Backup;

/// <summary>The check a backup failed; named in errors and in the CR conditions that report them.</summary>
public enum BackupCheck
{
    /// <summary>The backup (its manifest) is not in the store.</summary>
    NotFound,

    /// <summary>manifest.json is missing a field, not JSON, or inconsistent.</summary>
    Manifest,

    /// <summary>A format version this build does not read (manifest, snapshot file or exchange snapshot).</summary>
    Format,

    /// <summary>The data is shorter or longer than the manifest says.</summary>
    Size,

    /// <summary>The SHA-256 of the data (or of a streamed chunk) does not match.</summary>
    Checksum,

    /// <summary>The Raft snapshot file is damaged (magic, CRC32C, header) or disagrees with the manifest.</summary>
    SnapshotFile,

    /// <summary>The exchange state inside does not decode, or its state hash differs from the manifest's.</summary>
    StateHash,

    /// <summary>The store could not be reached or refused the operation.</summary>
    Store,
}

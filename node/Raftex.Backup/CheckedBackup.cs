namespace Raftex.Backup;

/// <summary>
/// A backup that passed <see cref="BackupVerifier.CheckAsync"/>: read back whole and found to be what its manifest
/// says, without its state rebuilt (<see cref="BackupVerifier.VerifyAsync"/> does that, for restores).
/// </summary>
public sealed record CheckedBackup(string Name, string Location, BackupManifest Manifest);

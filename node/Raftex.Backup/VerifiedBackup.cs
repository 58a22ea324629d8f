using Raftex.Raft;

namespace Raftex.Backup;

/// <summary>A backup that passed every check of <see cref="BackupVerifier"/>: its manifest and the snapshot it holds.</summary>
public sealed record VerifiedBackup(string Name, string Location, BackupManifest Manifest, Snapshot Snapshot, ulong StateDigest);

using System.Security.Cryptography;
using Raftex.Exchange;
using Raftex.Raft.Storage;

namespace Raftex.Backup;

/// <summary>
/// The one check every reader of a backup makes (the writer after writing, the operator before a restore, the node
/// before it starts from one): the manifest parses, the data has the manifest's size and SHA-256, the Raft snapshot
/// file is intact (magic, version, CRC32C) and at the manifest's index, term and membership, and the exchange state
/// inside decodes and records the manifest's state hash.
/// </summary>
public static class BackupVerifier
{
    /// <summary>Reads and parses a backup's manifest only.</summary>
    public static async Task<BackupManifest> ReadManifestAsync(IBackupStore store, string backup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var location = store.LocationOf(backup);
        await using var stream = await store.OpenReadAsync(backup, BackupManifest.FileName, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return BackupManifest.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), location);
    }

    /// <summary>
    /// Resolves <see cref="BackupName.Latest"/> to the complete backup with the highest index (then term, then name);
    /// any other name is returned as is.
    /// </summary>
    public static async Task<string> ResolveAsync(IBackupStore store, string backup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (backup != BackupName.Latest)
        {
            return BackupName.Check(backup);
        }

        (string Name, long Index, long Term)? best = null;
        foreach (var name in await store.ListAsync(ct).ConfigureAwait(false))
        {
            BackupManifest manifest;
            try
            {
                manifest = await ReadManifestAsync(store, name, ct).ConfigureAwait(false);
            }
            catch (BackupException)
            {
                continue;
            }

            if (best is null || (manifest.Index, manifest.Term).CompareTo((best.Value.Index, best.Value.Term)) > 0)
            {
                best = (name, manifest.Index, manifest.Term);
            }
        }

        return best?.Name ?? throw new BackupException(store.LocationOf(BackupName.Latest), BackupCheck.NotFound, "the store holds no complete backup");
    }

    /// <summary>Runs every check; throws <see cref="BackupException"/> naming the first one that fails.</summary>
    public static async Task<VerifiedBackup> VerifyAsync(IBackupStore store, string backup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        backup = await ResolveAsync(store, backup, ct).ConfigureAwait(false);
        var location = store.LocationOf(backup);
        var manifest = await ReadManifestAsync(store, backup, ct).ConfigureAwait(false);
        if (manifest.Size > int.MaxValue - 64)
        {
            throw new BackupException(location, BackupCheck.Size, $"the manifest's size {manifest.Size} is beyond what this build restores");
        }

        var data = new byte[manifest.Size];
        int read;
        var extra = false;
        await using (var stream = await store.OpenReadAsync(backup, BackupManifest.DataFile, ct).ConfigureAwait(false))
        {
            read = await stream.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read == data.Length)
            {
                extra = await stream.ReadAsync(new byte[1], ct).ConfigureAwait(false) > 0;
            }
        }

        if (read < data.Length || extra)
        {
            throw new BackupException(location, BackupCheck.Size,
                extra ? $"{BackupManifest.DataFile} is longer than the manifest's {manifest.Size} bytes" : $"{BackupManifest.DataFile} has {read} bytes, the manifest says {manifest.Size} (truncated)");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(data));
        if (sha != manifest.Sha256)
        {
            throw new BackupException(location, BackupCheck.Checksum, $"SHA-256 of {BackupManifest.DataFile} is {sha}, the manifest says {manifest.Sha256}");
        }

        Raftex.Raft.Snapshot snapshot;
        try
        {
            snapshot = SnapshotStore.Decode(data, $"{location}/{BackupManifest.DataFile}", out var groupId);
            if (groupId != manifest.GroupId)
            {
                throw new SnapshotCorruptionException(location, $"the file is of raft group {groupId}, the manifest says {manifest.GroupId}");
            }
        }
        catch (SnapshotCorruptionException e)
        {
            throw new BackupException(location, BackupCheck.SnapshotFile, e.Message, e);
        }
        catch (WalFormatException e)
        {
            throw new BackupException(location, BackupCheck.Format, e.Message, e);
        }

        var metadata = snapshot.Metadata;
        if (metadata.Index != manifest.Index || metadata.Term != manifest.Term
            || !metadata.ConfState.Voters.Order().SequenceEqual(manifest.Voters.Order())
            || !metadata.ConfState.Learners.Order().SequenceEqual(manifest.Learners.Order()))
        {
            throw new BackupException(location, BackupCheck.SnapshotFile,
                $"the snapshot is at {metadata.Index}/{metadata.Term} with {metadata.ConfState}, the manifest says {manifest.Index}/{manifest.Term} with voters=[{string.Join(',', manifest.Voters)}] learners=[{string.Join(',', manifest.Learners)}]");
        }

        ExchangeStateMachine machine;
        try
        {
            machine = ExchangeStateMachine.Restore(new MemoryStream(snapshot.Data.ToArray(), writable: false));
        }
        catch (SnapshotFormatException e)
        {
            throw new BackupException(location, e.Message.StartsWith("unsupported snapshot version", StringComparison.Ordinal) ? BackupCheck.Format : BackupCheck.StateHash,
                $"the exchange state does not decode: {e.Message}", e);
        }

        if (machine.StateHash != manifest.StateHashValue)
        {
            throw new BackupException(location, BackupCheck.StateHash,
                $"the exchange state records hash {BackupManifest.FormatHash(machine.StateHash)}, the manifest says {manifest.StateHash}");
        }

        return new VerifiedBackup(backup, location, manifest, snapshot, machine.Digest());
    }
}

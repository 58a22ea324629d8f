using System.Buffers;
using System.Security.Cryptography;
using Raftex.Exchange;
using Raftex.Raft;
using Raftex.Raft.Storage;

namespace Raftex.Backup;

/// <summary>
/// The checks readers of a backup make. <see cref="VerifyAsync"/> is every check, for those who start from a backup (the
/// operator before a restore, the node before it starts from one): the manifest parses, the data has the manifest's
/// size and SHA-256, the Raft snapshot file is intact (magic, version, CRC32C) and at the manifest's group, index, term
/// and membership, and the exchange state inside decodes whole and records the manifest's state hash.
/// <see cref="CheckAsync"/> is the writer's read-back: the same checks on the bytes as they stream past, with the
/// exchange snapshot checked by its own checksum and the state hash it records, without rebuilding the state.
/// </summary>
public static class BackupVerifier
{
    private const int ReadBufferBytes = 1 << 20;

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

    /// <summary>
    /// Reads a backup back streaming, holding a buffer and the headers but never the whole data, and checks: the
    /// manifest parses; the data has the manifest's size and SHA-256; the Raft snapshot file's magic, version, CRC32C and
    /// layout, and its group, index, term and membership against the manifest; the exchange snapshot's magic, version,
    /// length and checksum, and the state hash it records against the manifest. The state is not rebuilt (so a state
    /// whose checksum matches but which would not restore passes here and fails <see cref="VerifyAsync"/>); a failure
    /// is the <see cref="BackupException"/> the same damage gets from <see cref="VerifyAsync"/>.
    /// </summary>
    public static async Task<CheckedBackup> CheckAsync(IBackupStore store, string backup, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        backup = await ResolveAsync(store, backup, ct).ConfigureAwait(false);
        var location = store.LocationOf(backup);
        var manifest = await ReadManifestAsync(store, backup, ct).ConfigureAwait(false);
        var file = new SnapshotFileCheck($"{location}/{BackupManifest.DataFile}", manifest.Size);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        long read = 0;
        try
        {
            await using var stream = await store.OpenReadAsync(backup, BackupManifest.DataFile, ct).ConfigureAwait(false);
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(0, ReadBufferBytes), ct).ConfigureAwait(false)) > 0)
            {
                if (read + n > manifest.Size)
                {
                    throw new BackupException(location, BackupCheck.Size, $"{BackupManifest.DataFile} is longer than the manifest's {manifest.Size} bytes");
                }

                sha.AppendData(buffer, 0, n);
                file.Append(buffer.AsSpan(0, n));
                read += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (read < manifest.Size)
        {
            throw new BackupException(location, BackupCheck.Size, $"{BackupManifest.DataFile} has {read} bytes, the manifest says {manifest.Size} (truncated)");
        }

        var digest = Convert.ToHexStringLower(sha.GetHashAndReset());
        if (digest != manifest.Sha256)
        {
            throw new BackupException(location, BackupCheck.Checksum, $"SHA-256 of {BackupManifest.DataFile} is {digest}, the manifest says {manifest.Sha256}");
        }

        var (groupId, metadata, summary) = file.Finish(location);
        CheckAgainstManifest(location, manifest, groupId, metadata);
        if (summary.StateHash != manifest.StateHashValue)
        {
            throw new BackupException(location, BackupCheck.StateHash,
                $"the exchange state records hash {BackupManifest.FormatHash(summary.StateHash)}, the manifest says {manifest.StateHash}");
        }

        return new CheckedBackup(backup, location, manifest);
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
            CheckAgainstManifest(location, manifest, groupId, snapshot.Metadata);
        }
        catch (SnapshotCorruptionException e)
        {
            throw new BackupException(location, BackupCheck.SnapshotFile, e.Message, e);
        }
        catch (WalFormatException e)
        {
            throw new BackupException(location, BackupCheck.Format, e.Message, e);
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

    private static void CheckAgainstManifest(string location, BackupManifest manifest, long groupId, SnapshotMetadata metadata)
    {
        if (groupId != manifest.GroupId)
        {
            throw new BackupException(location, BackupCheck.SnapshotFile, new SnapshotCorruptionException(location, $"the file is of raft group {groupId}, the manifest says {manifest.GroupId}").Message);
        }

        if (metadata.Index != manifest.Index || metadata.Term != manifest.Term
            || !metadata.ConfState.Voters.Order().SequenceEqual(manifest.Voters.Order())
            || !metadata.ConfState.Learners.Order().SequenceEqual(manifest.Learners.Order()))
        {
            throw new BackupException(location, BackupCheck.SnapshotFile,
                $"the snapshot is at {metadata.Index}/{metadata.Term} with {metadata.ConfState}, the manifest says {manifest.Index}/{manifest.Term} with voters=[{string.Join(',', manifest.Voters)}] learners=[{string.Join(',', manifest.Learners)}]");
        }
    }
}

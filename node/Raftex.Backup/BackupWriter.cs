using System.Security.Cryptography;
using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Backup;

/// <summary>
/// Takes a backup from one member: streams its snapshot out through <c>Admin.StreamSnapshot</c>, checking each chunk's
/// SHA-256 and the whole file's, spools it to a temporary file, puts it into the store, writes the manifest last, then
/// reads the backup back through <see cref="BackupVerifier"/>.
/// </summary>
public static class BackupWriter
{
    /// <summary>Writes backup <paramref name="backup"/> from the member behind <paramref name="admin"/>; returns it as verified.</summary>
    /// <exception cref="BackupException">The stream, the store or the read-back check failed; the partial backup is removed.</exception>
    public static async Task<VerifiedBackup> WriteAsync(
        Admin.AdminClient admin, IBackupStore store, string backup, Metadata? headers, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        BackupName.Check(backup);
        var location = store.LocationOf(backup);
        var spool = Path.Combine(Path.GetTempPath(), $"raftex-backup-{Guid.NewGuid():n}.snap");
        try
        {
            var header = await ReceiveAsync(admin, spool, location, headers, ct).ConfigureAwait(false);
            var size = new FileInfo(spool).Length;
            string sha;
            await using (var file = File.OpenRead(spool))
            {
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
            }

            var manifest = new BackupManifest
            {
                ClusterId = header.ClusterId,
                GroupId = header.GroupId,
                NodeId = (long)header.NodeId,
                Index = (long)header.Index,
                Term = (long)header.Term,
                StateHash = BackupManifest.FormatHash(header.StateHash),
                SnapshotFileFormatVersion = header.FileFormatVersion,
                ExchangeSnapshotVersion = header.ExchangeSnapshotVersion,
                EntryFormatVersion = header.EntryFormatVersion,
                Voters = header.Voters.Select(v => (long)v).ToList(),
                Learners = header.Learners.Select(v => (long)v).ToList(),
                CreatedAt = time.GetUtcNow(),
                Size = size,
                Sha256 = sha,
            };

            await using (var file = File.OpenRead(spool))
            {
                await store.PutAsync(backup, BackupManifest.DataFile, file, ct).ConfigureAwait(false);
            }

            await store.PutAsync(backup, BackupManifest.FileName, new MemoryStream(manifest.ToJson()), ct).ConfigureAwait(false);
            return await BackupVerifier.VerifyAsync(store, backup, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DeleteQuietlyAsync(store, backup).ConfigureAwait(false);
            if (e is BackupException)
            {
                throw;
            }

            throw new BackupException(location, BackupCheck.Store, e is RpcException rpc ? $"the member's snapshot stream failed: {rpc.Status.StatusCode} {rpc.Status.Detail}" : e.Message, e);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private static async Task<SnapshotHeader> ReceiveAsync(Admin.AdminClient admin, string spool, string location, Metadata? headers, CancellationToken ct)
    {
        using var call = admin.StreamSnapshot(new StreamSnapshotRequest(), headers, cancellationToken: ct);
        SnapshotHeader? header = null;
        byte[]? fileSha = null;
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        ulong offset = 0;
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (chunk.KindCase == SnapshotChunk.KindOneofCase.Header)
            {
                header = header is null ? chunk.Header : throw new BackupException(location, BackupCheck.SnapshotFile, "the member sent a second header");
                continue;
            }

            if (header is null || fileSha is not null)
            {
                throw new BackupException(location, BackupCheck.SnapshotFile, header is null ? "the member sent data before its header" : "the member sent data after its last chunk");
            }

            var length = chunk.Data.Length;
            if (chunk.Offset != offset)
            {
                throw new BackupException(location, BackupCheck.Checksum, $"chunk at offset {chunk.Offset} arrived where {offset} was expected");
            }

            if (!SHA256.HashData(chunk.Data.Span).AsSpan().SequenceEqual(chunk.Sha256.Span))
            {
                throw new BackupException(location, BackupCheck.Checksum, $"the chunk at offset {offset} ({length} bytes) does not match its SHA-256");
            }

            whole.AppendData(chunk.Data.Span);
            await file.WriteAsync(chunk.Data.Memory, ct).ConfigureAwait(false);
            offset += (ulong)length;
            if (!chunk.FileSha256.IsEmpty)
            {
                fileSha = chunk.FileSha256.ToByteArray();
            }
        }

        if (header is null || fileSha is null)
        {
            throw new BackupException(location, BackupCheck.Size, header is null ? "the member's stream ended before its header" : $"the member's stream ended after {offset} bytes, before its last chunk");
        }

        if (offset != header.Size)
        {
            throw new BackupException(location, BackupCheck.Size, $"the member sent {offset} bytes; its header said {header.Size}");
        }

        if (!whole.GetHashAndReset().AsSpan().SequenceEqual(fileSha))
        {
            throw new BackupException(location, BackupCheck.Checksum, "the streamed file does not match the SHA-256 the member computed for it");
        }

        await file.FlushAsync(ct).ConfigureAwait(false);
        return header;
    }

    private static async Task DeleteQuietlyAsync(IBackupStore store, string backup)
    {
        try
        {
            await store.DeleteAsync(backup, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackupException or IOException)
        {
            // The write already failed; an unfinished backup has no manifest and is never listed.
        }
    }
}

using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Backup;

/// <summary>
/// Takes a backup from one member: streams its snapshot out through <c>Admin.StreamSnapshot</c> straight into the store
/// (a pipe between the member's stream and <see cref="IBackupStore.PutAsync"/>, nothing spooled), checking each chunk's
/// SHA-256 and the whole file's as they pass and pacing itself to <see cref="BackupWriterOptions.BytesPerSecond"/>;
/// writes the manifest last, then reads the backup back through <see cref="BackupVerifier.CheckAsync"/>.
/// </summary>
public static class BackupWriter
{
    // The pipe holds at most this much between the member's stream and the store; with the store's own buffer (one S3
    // part, or the file stream's) that bounds what a backup holds in memory, whatever the snapshot's size.
    private const long PipeBytes = 4L << 20;

    /// <summary>Writes backup <paramref name="backup"/> from the member behind <paramref name="admin"/> with <see cref="BackupWriterOptions.Default"/>.</summary>
    /// <exception cref="BackupException">The stream, the store or the read-back check failed; the partial backup is removed.</exception>
    public static Task<CheckedBackup> WriteAsync(
        Admin.AdminClient admin, IBackupStore store, string backup, Metadata? headers, TimeProvider time, CancellationToken ct) =>
        WriteAsync(admin, store, backup, headers, time, BackupWriterOptions.Default, ct);

    /// <summary>Writes backup <paramref name="backup"/> from the member behind <paramref name="admin"/>; returns it as read back and checked.</summary>
    /// <exception cref="BackupException">The stream, the store or the read-back check failed; the partial backup is removed.</exception>
    /// <exception cref="ArgumentException">The name or the options are not valid.</exception>
    public static async Task<CheckedBackup> WriteAsync(
        Admin.AdminClient admin, IBackupStore store, string backup, Metadata? headers, TimeProvider time, BackupWriterOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        BackupName.Check(backup);
        var location = store.LocationOf(backup);
        try
        {
            var (header, sha) = await StreamIntoStoreAsync(admin, store, backup, location, headers, options, ct).ConfigureAwait(false);
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
                Size = (long)header.Size,
                Sha256 = sha,
            };

            await store.PutAsync(backup, BackupManifest.FileName, new MemoryStream(manifest.ToJson()), ct).ConfigureAwait(false);
            return await BackupVerifier.CheckAsync(store, backup, ct).ConfigureAwait(false);
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
    }

    /// <summary>
    /// Receives the member's stream into a pipe that the store's put reads from. The store sees the end of the data
    /// only once every chunk and the whole file checked out; anything wrong ends the pipe with the error instead, so
    /// the store never makes the object (a file store drops its temporary file, S3 aborts the upload).
    /// </summary>
    private static async Task<(SnapshotHeader Header, string Sha256)> StreamIntoStoreAsync(
        Admin.AdminClient admin, IBackupStore store, string backup, string location, Metadata? headers, BackupWriterOptions options, CancellationToken ct)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipeBytes, resumeWriterThreshold: PipeBytes / 2, useSynchronizationContext: false));
        var put = PutFromPipeAsync(store, backup, pipe.Reader, ct);
        (SnapshotHeader Header, string Sha256) received;
        try
        {
            received = await ReceiveAsync(admin, pipe.Writer, put, location, headers, options, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            // The put ends on that error (or has ended on its own); wait for it so no write outlives the failure.
            await Task.WhenAny(put).ConfigureAwait(false);
            _ = put.Exception;
            throw;
        }

        await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        await put.ConfigureAwait(false);
        return received;
    }

    private static async Task PutFromPipeAsync(IBackupStore store, string backup, PipeReader reader, CancellationToken ct)
    {
        try
        {
            await using (var content = reader.AsStream(leaveOpen: true))
            {
                await store.PutAsync(backup, BackupManifest.DataFile, content, ct).ConfigureAwait(false);
            }

            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Unblocks the receiver, whose next write sees the pipe closed and reports this put's failure.
            await reader.CompleteAsync(e).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<(SnapshotHeader Header, string Sha256)> ReceiveAsync(
        Admin.AdminClient admin, PipeWriter pipe, Task put, string location, Metadata? headers, BackupWriterOptions options, CancellationToken ct)
    {
        using var call = admin.StreamSnapshot(new StreamSnapshotRequest(), headers, cancellationToken: ct);
        SnapshotHeader? header = null;
        byte[]? fileSha = null;
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ulong offset = 0;
        var started = Stopwatch.GetTimestamp();
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

            if (offset + (ulong)length > header.Size)
            {
                throw new BackupException(location, BackupCheck.Size, $"the member sent more than the {header.Size} bytes its header said");
            }

            if (!SHA256.HashData(chunk.Data.Span).AsSpan().SequenceEqual(chunk.Sha256.Span))
            {
                throw new BackupException(location, BackupCheck.Checksum, $"the chunk at offset {offset} ({length} bytes) does not match its SHA-256");
            }

            whole.AppendData(chunk.Data.Span);
            offset += (ulong)length;
            if (!chunk.FileSha256.IsEmpty)
            {
                fileSha = chunk.FileSha256.ToByteArray();
                CheckWhole(location, header, offset, whole, fileSha);
            }

            var flushed = await pipe.WriteAsync(chunk.Data.Memory, ct).ConfigureAwait(false);
            if (flushed.IsCompleted)
            {
                await put.ConfigureAwait(false);
                throw new BackupException(location, BackupCheck.Store, $"the store finished {BackupManifest.DataFile} after {offset - (ulong)length} bytes, before the end of the data");
            }

            await PaceAsync(started, offset, options, ct).ConfigureAwait(false);
        }

        if (header is null || fileSha is null)
        {
            throw new BackupException(location, BackupCheck.Size, header is null ? "the member's stream ended before its header" : $"the member's stream ended after {offset} bytes, before its last chunk");
        }

        return (header, Convert.ToHexStringLower(fileSha));
    }

    /// <summary>At the member's last chunk: the file has the header's size and the SHA-256 the member computed.</summary>
    private static void CheckWhole(string location, SnapshotHeader header, ulong offset, IncrementalHash whole, byte[] fileSha)
    {
        if (offset != header.Size)
        {
            throw new BackupException(location, BackupCheck.Size, $"the member sent {offset} bytes; its header said {header.Size}");
        }

        if (!whole.GetHashAndReset().AsSpan().SequenceEqual(fileSha))
        {
            throw new BackupException(location, BackupCheck.Checksum, "the streamed file does not match the SHA-256 the member computed for it");
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> are due at the configured pace since <paramref name="started"/>.</summary>
    private static Task PaceAsync(long started, ulong bytes, BackupWriterOptions options, CancellationToken ct)
    {
        if (options.BytesPerSecond is not { } rate)
        {
            return Task.CompletedTask;
        }

        var due = TimeSpan.FromSeconds((double)bytes / rate) - Stopwatch.GetElapsedTime(started);
        return due > TimeSpan.FromMilliseconds(1) ? Task.Delay(due, ct) : Task.CompletedTask;
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

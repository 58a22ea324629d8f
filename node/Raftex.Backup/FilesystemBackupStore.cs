using System.Buffers;
using Raftex.Raft.Storage;

namespace Raftex.Backup;

/// <summary>
/// Backups as directories under a root (a mounted volume or host path): <c>root/name/snapshot.snap</c> and
/// <c>root/name/manifest.json</c>. Each object is written to a temporary file, fsynced every <see cref="FlushBytes"/>
/// as it is written (so dirty data stays bounded and the disk never takes a whole snapshot in one burst) and at its end,
/// renamed into place and the directory fsynced, so an object under its final name is complete and durable.
/// </summary>
public sealed class FilesystemBackupStore : IBackupStore
{
    /// <summary>The default for <see cref="FlushBytes"/>.</summary>
    public const int DefaultFlushBytes = 4 << 20;

    private const string TemporarySuffix = ".tmp";
    private const int WriteBufferBytes = 1 << 20;

    /// <summary>A store under <paramref name="root"/> that fsyncs what it writes every <paramref name="flushBytes"/>.</summary>
    public FilesystemBackupStore(string root, int flushBytes = DefaultFlushBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(flushBytes);
        Root = Path.GetFullPath(root);
        FlushBytes = flushBytes;
    }

    public string Root { get; }

    /// <summary>Bytes written between two fsyncs of an object being written.</summary>
    public int FlushBytes { get; }

    public string Location => new Uri(Root).AbsoluteUri;

    public string LocationOf(string backup) => $"{Location.TrimEnd('/')}/{backup}";

    public async Task PutAsync(string backup, string objectName, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var directory = BackupDirectory(backup);
        try
        {
            Directory.CreateDirectory(directory);
            DirectorySync.Flush(Root);
            var path = Path.Combine(directory, CheckObject(objectName));
            var temporary = path + TemporarySuffix;
            try
            {
                await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true))
                {
                    await CopyFlushingAsync(content, file, ct).ConfigureAwait(false);
                }

                File.Move(temporary, path, overwrite: true);
                DirectorySync.Flush(directory);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        }
        catch (IOException e)
        {
            throw new BackupException(LocationOf(backup), BackupCheck.Store, $"writing {objectName} failed ({e.Message})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BackupException(LocationOf(backup), BackupCheck.Store, $"writing {objectName} is not permitted ({e.Message})", e);
        }
    }

    /// <summary>Copies <paramref name="content"/> to <paramref name="file"/>, fsyncing every <see cref="FlushBytes"/> and at the end.</summary>
    private async Task CopyFlushingAsync(Stream content, FileStream file, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(WriteBufferBytes);
        try
        {
            long unflushed = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, WriteBufferBytes), ct).ConfigureAwait(false)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                unflushed += read;
                if (unflushed >= FlushBytes)
                {
                    file.Flush(flushToDisk: true);
                    unflushed = 0;
                }
            }

            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task<Stream> OpenReadAsync(string backup, string objectName, CancellationToken ct)
    {
        var path = Path.Combine(BackupDirectory(backup), CheckObject(objectName));
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupException(LocationOf(backup), BackupCheck.NotFound, $"{objectName} is not in the store");
        }
        catch (IOException e)
        {
            throw new BackupException(LocationOf(backup), BackupCheck.Store, $"reading {objectName} failed ({e.Message})", e);
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken ct)
    {
        if (!Directory.Exists(Root))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        var names = Directory.EnumerateDirectories(Root)
            .Where(d => File.Exists(Path.Combine(d, BackupManifest.FileName)))
            .Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    public Task DeleteAsync(string backup, CancellationToken ct)
    {
        var directory = BackupDirectory(backup);
        if (!Directory.Exists(directory))
        {
            return Task.CompletedTask;
        }

        // The manifest goes first: from then on the backup is no longer listed, whatever a crash leaves behind.
        var manifest = Path.Combine(directory, BackupManifest.FileName);
        if (File.Exists(manifest))
        {
            File.Delete(manifest);
            DirectorySync.Flush(directory);
        }

        Directory.Delete(directory, recursive: true);
        DirectorySync.Flush(Root);
        return Task.CompletedTask;
    }

    private string BackupDirectory(string backup) => Path.Combine(Root, BackupName.Check(backup));

    private static string CheckObject(string objectName) =>
        objectName is BackupManifest.FileName or BackupManifest.DataFile
            ? objectName
            : throw new ArgumentException($"unknown backup object '{objectName}'", nameof(objectName));
}

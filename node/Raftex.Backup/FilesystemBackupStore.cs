using Raftex.Raft.Storage;

namespace Raftex.Backup;

/// <summary>
/// Backups as directories under a root (a mounted volume or host path): <c>root/name/snapshot.snap</c> and
/// <c>root/name/manifest.json</c>. Each object is written to a temporary file, fsynced, renamed into place and the
/// directory fsynced, so an object under its final name is complete and durable.
/// </summary>
public sealed class FilesystemBackupStore : IBackupStore
{
    private const string TemporarySuffix = ".tmp";

    public FilesystemBackupStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

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
                await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
                {
                    await content.CopyToAsync(file, 1 << 20, ct).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
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

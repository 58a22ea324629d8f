namespace Raftex.Backup;

/// <summary>Opens a store from its location string: a path or <c>file:///path</c> is a <see cref="FilesystemBackupStore"/>.</summary>
public static class BackupStores
{
    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong with <paramref name="location"/>.</summary>
    public static IBackupStore Open(string location)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (location.StartsWith('/'))
        {
            return new FilesystemBackupStore(location);
        }

        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"backup store '{location}' is neither an absolute path nor a URI (file:///path, s3://bucket/prefix)");
        }

        return uri.Scheme switch
        {
            "file" => new FilesystemBackupStore(uri.LocalPath),
            _ => throw new ArgumentException($"backup store '{location}': scheme '{uri.Scheme}' is not one of file, s3"),
        };
    }
}

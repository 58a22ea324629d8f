namespace Raftex.Backup;

/// <summary>
/// Opens a store from its location string: a path or <c>file:///path</c> is a <see cref="FilesystemBackupStore"/>;
/// <c>s3://bucket/prefix?endpoint=URL&amp;region=NAME&amp;pathStyle=true</c> is an <see cref="S3BackupStore"/> with
/// credentials from RAFTEX_S3_ACCESS_KEY_ID and RAFTEX_S3_SECRET_ACCESS_KEY (see <see cref="S3StoreOptions.FromLocation(string)"/>).
/// </summary>
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

        if (location.StartsWith("s3://", StringComparison.Ordinal))
        {
            return new S3BackupStore(S3StoreOptions.FromLocation(location));
        }

        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"backup store '{location}' is neither an absolute path nor a URI (file:///path, s3://bucket/prefix)");
        }

        return uri.Scheme switch
        {
            "file" => new FilesystemBackupStore(uri.LocalPath),
            "s3" => throw new ArgumentException($"backup store '{location}': an S3 location is written s3://bucket/prefix"),
            _ => throw new ArgumentException($"backup store '{location}': scheme '{uri.Scheme}' is not one of file, s3"),
        };
    }
}

namespace Raftex.Backup;

/// <summary>
/// Where backups live. A backup is a set of objects under its name: the snapshot data (<see cref="BackupManifest.DataFile"/>)
/// and, written last as the commit record, <see cref="BackupManifest.FileName"/>. A name without a manifest is an
/// unfinished backup: <see cref="ListAsync"/> does not list it and <see cref="DeleteAsync"/> removes what it left.
/// </summary>
public interface IBackupStore
{
    /// <summary>The store as a location string (<c>file:///path</c>, <c>s3://bucket/prefix</c>), for status and errors.</summary>
    string Location { get; }

    /// <summary>Where one backup is, for status and errors.</summary>
    string LocationOf(string backup);

    /// <summary>Writes one object durably (replacing any object of that name), reading <paramref name="content"/> to its end.</summary>
    Task PutAsync(string backup, string objectName, Stream content, CancellationToken ct);

    /// <summary>Opens one object; throws <see cref="BackupException"/> with <see cref="BackupCheck.NotFound"/> when it does not exist.</summary>
    Task<Stream> OpenReadAsync(string backup, string objectName, CancellationToken ct);

    /// <summary>Names of the complete backups (those with a manifest), in name order.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken ct);

    /// <summary>Removes a backup and everything under its name; no error when there is nothing.</summary>
    Task DeleteAsync(string backup, CancellationToken ct);
}

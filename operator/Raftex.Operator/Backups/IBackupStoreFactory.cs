using Raftex.Backup;
using Raftex.Operator.Api;

namespace Raftex.Operator.Backups;

/// <summary>Opens the store a spec names, as the operator reaches it (credentials read from the namespace's Secrets).</summary>
public interface IBackupStoreFactory
{
    /// <summary>The store of <paramref name="store"/> for an object in <paramref name="ns"/>.</summary>
    /// <exception cref="BackupException">With <see cref="BackupCheck.Store"/>: the spec or its Secret is unusable, or the kind of store is not available.</exception>
    Task<IBackupStore> OpenAsync(BackupStoreSpec store, string ns, CancellationToken ct);
}

using Raftex.Backup;
using Raftex.Operator.Api;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Backups;

/// <summary>
/// Resolves and verifies the backup of spec.bootstrap.fromBackup before a cluster's first node exists: an ExchangeBackup
/// (its store and name) or a store and a name ("latest" resolved to the backup with the highest index), then every check
/// of <see cref="BackupVerifier"/>. A backup that fails is refused with the check that failed; nothing starts from it.
/// </summary>
public sealed class ClusterRestore(CustomResourceClient<ExchangeBackup> backups, IBackupStoreFactory stores)
{
    /// <summary>The ExchangeCluster condition that reports a restore: False while refused or starting, True once the restored cluster is Available.</summary>
    public const string Condition = "Restored";

    /// <summary>The verified backup to restore, or why it is refused.</summary>
    public async Task<RestoreVerdict> VerifyAsync(ExchangeCluster cluster, FromBackupSpec from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(from);
        var ns = cluster.Metadata.NamespaceProperty;
        BackupStoreSpec storeSpec;
        string name;
        if (!string.IsNullOrEmpty(from.Backup))
        {
            var backup = await backups.GetAsync(new Controllers.ObjectKey(ns, from.Backup), ct).ConfigureAwait(false);
            if (backup is null)
            {
                return RestoreVerdict.Refused("BackupNotFound",
                    $"ExchangeBackup {from.Backup} not found in namespace {ns}. Check spec.bootstrap.fromBackup.backup (kubectl get xb -n {ns}), or name a store and backup instead.");
            }

            if (backup.Status?.Phase != BackupPhase.Completed)
            {
                return RestoreVerdict.Refused("BackupNotCompleted",
                    $"ExchangeBackup {from.Backup} is {backup.Status?.Phase?.ToString() ?? "Pending"}, not Completed: only a written and verified backup can be restored. Wait for it or name another one.");
            }

            storeSpec = backup.Spec.Store;
            name = backup.Metadata.Name;
        }
        else
        {
            storeSpec = from.Store!;
            name = from.Name!;
        }

        try
        {
            var store = await stores.OpenAsync(storeSpec, ns, ct).ConfigureAwait(false);
            using var owned = store as IDisposable;
            var verified = await BackupVerifier.VerifyAsync(store, name, ct).ConfigureAwait(false);
            var m = verified.Manifest;
            return RestoreVerdict.Verified(new RestoredFrom
            {
                Backup = verified.Name,
                Location = BackupStoreLocation.Of(storeSpec),
                Store = storeSpec,
                Index = m.Index,
                Term = m.Term,
                StateHash = m.StateHash,
            });
        }
        catch (BackupException e)
        {
            return RestoreVerdict.Refused(BackupReasons.OfRestore(e.Check), e.Message);
        }
        catch (ArgumentException e)
        {
            return RestoreVerdict.Refused("BackupInvalidName", $"backup '{name}' in {BackupStoreLocation.Of(storeSpec)}: {e.Message}");
        }
    }
}

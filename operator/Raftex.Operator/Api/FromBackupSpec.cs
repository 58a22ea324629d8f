using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>The backup a new cluster starts from: an ExchangeBackup object, or a store and a backup name in it.</summary>
[Description("The backup to restore: either backup (an ExchangeBackup in the namespace), or store and name.")]
[ValidationRule("has(self.backup) != has(self.store)", "fromBackup names exactly one of backup or store (with name)")]
[ValidationRule("has(self.store) == has(self.name)", "fromBackup.store and fromBackup.name go together")]
public sealed class FromBackupSpec
{
    [Description("Name of a Completed ExchangeBackup in the same namespace.")]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string? Backup { get; set; }

    [Description("The store holding the backup.")]
    public BackupStoreSpec? Store { get; set; }

    [Description("Name of the backup in the store, or \"latest\" for the complete backup with the highest Raft index.")]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string? Name { get; set; }
}

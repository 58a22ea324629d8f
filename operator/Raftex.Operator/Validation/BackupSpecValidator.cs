using Raftex.Backup;
using Raftex.Chaos;
using Raftex.Operator.Api;

namespace Raftex.Operator.Validation;

/// <summary>Checks spec.backup and spec.bootstrap.fromBackup beyond the schema, with the field at fault in every message.</summary>
public static class BackupSpecValidator
{
    /// <summary>Adds the errors of <paramref name="spec"/>'s backup and bootstrap sections to <paramref name="errors"/>.</summary>
    public static void Validate(ExchangeClusterSpec spec, List<SpecFinding> errors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(errors);
        if (spec.Backup is { } backup)
        {
            if (!CronSchedule.TryParse(backup.Schedule, out _, out var why))
            {
                errors.Add(new("spec.backup.schedule", $"'{backup.Schedule}' is not a cron schedule: {why}"));
            }

            ValidateStore(backup.Store, "spec.backup.store", errors);
            if (backup.Retention?.KeepFor is { } keepFor && (!DurationText.TryParse(keepFor, out var span) || span <= TimeSpan.Zero))
            {
                errors.Add(new("spec.backup.retention.keepFor", $"'{keepFor}' is not a positive duration like 72h, 90m or 3600s"));
            }
        }

        if (spec.Bootstrap?.FromBackup is { } from)
        {
            var byObject = !string.IsNullOrEmpty(from.Backup);
            var byStore = from.Store is not null || !string.IsNullOrEmpty(from.Name);
            if (byObject == byStore)
            {
                errors.Add(new("spec.bootstrap.fromBackup", "name exactly one of backup (an ExchangeBackup) or store with name"));
            }
            else if (byStore)
            {
                if (from.Store is null || string.IsNullOrEmpty(from.Name))
                {
                    errors.Add(new("spec.bootstrap.fromBackup", "store and name go together: the store holding the backup and the backup's name in it (or \"latest\")"));
                }
                else
                {
                    ValidateStore(from.Store, "spec.bootstrap.fromBackup.store", errors);
                    ValidateName(from.Name, "spec.bootstrap.fromBackup.name", errors);
                }
            }
        }
    }

    /// <summary>Adds the errors of one store spec at <paramref name="path"/>.</summary>
    public static void ValidateStore(BackupStoreSpec? store, string path, List<SpecFinding> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (store is null || (store.Filesystem is null) == (store.S3 is null))
        {
            errors.Add(new(path, "name exactly one kind of store: filesystem or s3"));
            return;
        }

        if (store.Filesystem is { } fs && (string.IsNullOrEmpty(fs.Path) || !fs.Path.StartsWith('/')))
        {
            errors.Add(new(path + ".filesystem.path", $"must be an absolute path, got '{fs.Path}'"));
        }

        if (store.S3 is { } s3)
        {
            if (string.IsNullOrEmpty(s3.Bucket))
            {
                errors.Add(new(path + ".s3.bucket", "is required"));
            }

            if (string.IsNullOrEmpty(s3.CredentialsSecret?.Name))
            {
                errors.Add(new(path + ".s3.credentialsSecret.name", "is required: the Secret holding the access key id and secret access key"));
            }

            if (!string.IsNullOrEmpty(s3.Endpoint) && !Uri.TryCreate(s3.Endpoint, UriKind.Absolute, out _))
            {
                errors.Add(new(path + ".s3.endpoint", $"'{s3.Endpoint}' is not an absolute URL like http://minio:9000"));
            }
        }
    }

    private static void ValidateName(string name, string path, List<SpecFinding> errors)
    {
        if (name == BackupName.Latest)
        {
            return;
        }

        try
        {
            BackupName.Check(name);
        }
        catch (ArgumentException e)
        {
            errors.Add(new(path, e.Message));
        }
    }
}

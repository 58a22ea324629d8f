using Raftex.Operator.Api;
using Raftex.Operator.Validation;

namespace Raftex.Operator.Tests.Crd;

public sealed class BackupSpecValidatorTests
{
    private static BackupStoreSpec Fs => new() { Filesystem = new FilesystemStoreSpec { Path = "/backups" } };

    private static IReadOnlyList<SpecFinding> Errors(Action<ExchangeClusterSpec> change)
    {
        var spec = SpecValidatorTests.ValidSpec();
        change(spec);
        return SpecValidator.Validate(spec).Errors;
    }

    [Fact]
    public void A_schedule_with_a_store_and_retention_is_valid()
    {
        Assert.Empty(Errors(s => s.Backup = new BackupScheduleSpec { Schedule = "0 */6 * * *", Store = Fs, Retention = new BackupRetentionSpec { KeepLast = 7, KeepFor = "72h" } }));
        Assert.Empty(Errors(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Store = Fs, Name = "latest" } }));
        Assert.Empty(Errors(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Backup = "nightly" } }));
    }

    [Theory]
    [InlineData("0 */6 * *", "spec.backup.schedule", "expected 5 fields")]
    [InlineData("61 * * * *", "spec.backup.schedule", "minute: '61' is outside 0-59")]
    public void A_bad_cron_schedule_names_the_field_and_the_problem(string schedule, string field, string message)
    {
        var error = Assert.Single(Errors(s => s.Backup = new BackupScheduleSpec { Schedule = schedule, Store = Fs }));
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_keepFor_must_be_a_positive_duration()
    {
        var error = Assert.Single(Errors(s => s.Backup = new BackupScheduleSpec { Schedule = "0 0 * * *", Store = Fs, Retention = new BackupRetentionSpec { KeepFor = "3d" } }));
        Assert.Equal(("spec.backup.retention.keepFor", "'3d' is not a positive duration like 72h, 90m or 3600s"), (error.Field, error.Message));
    }

    [Fact]
    public void A_store_must_name_exactly_one_kind()
    {
        var both = new BackupStoreSpec { Filesystem = new FilesystemStoreSpec { Path = "/b" }, S3 = new S3StoreSpec { Bucket = "bkt", CredentialsSecret = new S3CredentialsSecret { Name = "c" } } };
        Assert.Equal(["spec.backup.store: name exactly one kind of store: filesystem or s3"],
            Errors(s => s.Backup = new BackupScheduleSpec { Schedule = "0 0 * * *", Store = both }).Select(e => e.ToString()));
        Assert.Equal(["spec.bootstrap.fromBackup.store: name exactly one kind of store: filesystem or s3"],
            Errors(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Store = new BackupStoreSpec(), Name = "x" } }).Select(e => e.ToString()));
        Assert.Equal(["spec.backup.store.s3.endpoint: 'not a url' is not an absolute URL like http://minio:9000"],
            Errors(s => s.Backup = new BackupScheduleSpec { Schedule = "0 0 * * *", Store = new BackupStoreSpec { S3 = new S3StoreSpec { Bucket = "bkt", Endpoint = "not a url", CredentialsSecret = new S3CredentialsSecret { Name = "c" } } } }).Select(e => e.ToString()));
    }

    [Fact]
    public void FromBackup_names_exactly_one_of_backup_or_store_with_name()
    {
        Assert.Equal("spec.bootstrap.fromBackup: name exactly one of backup (an ExchangeBackup) or store with name",
            Assert.Single(Errors(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec() })).ToString());
        Assert.Equal("spec.bootstrap.fromBackup: name exactly one of backup (an ExchangeBackup) or store with name",
            Assert.Single(Errors(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Backup = "b", Store = Fs, Name = "n" } })).ToString());
        Assert.StartsWith("spec.bootstrap.fromBackup: store and name go together",
            Assert.Single(Errors(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Store = Fs } })).ToString(), StringComparison.Ordinal);
        Assert.Equal("spec.bootstrap.fromBackup.name: backup name 'Nightly' may hold only lower-case letters, digits, '-' and '.'",
            Assert.Single(Errors(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Store = Fs, Name = "Nightly" } })).ToString());
    }
}

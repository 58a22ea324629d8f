namespace Raftex.Backup.Tests;

/// <summary>The verifier's checks on backups read from a real S3-compatible server on 127.0.0.1.</summary>
public sealed class S3VerifierTests(S3ServerFixture s3) : BackupVerifierContract, IClassFixture<S3ServerFixture>
{
    protected override IBackupStore NewStore() => s3.NewStore();
}

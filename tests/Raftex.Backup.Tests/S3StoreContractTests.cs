namespace Raftex.Backup.Tests;

/// <summary>The store contract against a real S3-compatible server on 127.0.0.1, with uploads split at S3's smallest part size.</summary>
public sealed class S3StoreContractTests(S3ServerFixture s3) : BackupStoreContract, IClassFixture<S3ServerFixture>
{
    protected override IBackupStore NewStore() => s3.NewStore();
}

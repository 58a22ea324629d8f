namespace Raftex.Backup.Tests;

public sealed class FilesystemStoreContractTests : BackupStoreContract, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("raftex-fs-store-").FullName;
    private int _stores;

    protected override IBackupStore NewStore() => new FilesystemBackupStore(Path.Combine(_root, $"store-{++_stores}"));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

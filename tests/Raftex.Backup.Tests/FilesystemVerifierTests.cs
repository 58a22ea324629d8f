namespace Raftex.Backup.Tests;

public sealed class FilesystemVerifierTests : BackupVerifierContract, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("raftex-fs-verify-").FullName;
    private int _stores;

    protected override IBackupStore NewStore() => new FilesystemBackupStore(Path.Combine(_root, $"store-{++_stores}"));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

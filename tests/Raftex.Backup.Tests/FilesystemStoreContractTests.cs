namespace Raftex.Backup.Tests;

public sealed class FilesystemStoreContractTests : BackupStoreContract, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("raftex-fs-store-").FullName;
    private int _stores;

    protected override IBackupStore NewStore() => new FilesystemBackupStore(Path.Combine(_root, $"store-{++_stores}"));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

public sealed class FilesystemStoreFlushTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("raftex-fs-flush-").FullName;

    [Fact]
    public async Task An_object_written_in_many_fsynced_steps_reads_back_byte_for_byte()
    {
        var store = new FilesystemBackupStore(_root, flushBytes: 1_000);
        var data = new byte[123_457];
        new Random(11).NextBytes(data);
        await store.PutAsync("b1", BackupManifest.DataFile, new MemoryStream(data), CancellationToken.None);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(_root, "b1", BackupManifest.DataFile)));
        Assert.Equal(1_000, store.FlushBytes);
    }

    [Fact]
    public void A_flush_interval_that_is_not_positive_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FilesystemBackupStore(_root, flushBytes: 0));
        Assert.Equal("flushBytes", e.ParamName);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

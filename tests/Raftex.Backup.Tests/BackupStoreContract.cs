namespace Raftex.Backup.Tests;

/// <summary>What every <see cref="IBackupStore"/> promises; run against each store by a derived class.</summary>
public abstract class BackupStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A new, empty store; one that splits uploads does so at its smallest part size, so big puts are split.</summary>
    protected abstract IBackupStore NewStore();

    [Fact]
    public async Task An_object_put_reads_back_byte_for_byte()
    {
        var store = NewStore();
        var data = Bytes(100_000, seed: 1);
        await store.PutAsync("b1", BackupManifest.DataFile, new MemoryStream(data), None);
        Assert.Equal(data, await ReadAsync(store, "b1", BackupManifest.DataFile));
    }

    [Fact]
    public async Task An_object_bigger_than_several_upload_parts_reads_back_byte_for_byte()
    {
        var store = NewStore();
        var data = Bytes((2 * S3StoreOptions.MinimumPartSize) + 12_345, seed: 2);
        await store.PutAsync("big", BackupManifest.DataFile, new NonSeekableStream(data), None);
        Assert.Equal(TestBackups.Sha256(data), TestBackups.Sha256(await ReadAsync(store, "big", BackupManifest.DataFile)));
    }

    [Fact]
    public async Task An_object_of_exactly_one_part_reads_back_byte_for_byte()
    {
        var store = NewStore();
        var data = Bytes(S3StoreOptions.MinimumPartSize, seed: 3);
        await store.PutAsync("one-part", BackupManifest.DataFile, new MemoryStream(data), None);
        Assert.Equal(data, await ReadAsync(store, "one-part", BackupManifest.DataFile));
    }

    [Fact]
    public async Task An_empty_object_reads_back_empty()
    {
        var store = NewStore();
        await store.PutAsync("empty", BackupManifest.FileName, new MemoryStream(), None);
        Assert.Empty(await ReadAsync(store, "empty", BackupManifest.FileName));
    }

    [Fact]
    public async Task A_second_put_of_an_object_replaces_the_first()
    {
        var store = NewStore();
        await store.PutAsync("b1", BackupManifest.FileName, new MemoryStream(Bytes(5_000, seed: 4)), None);
        var second = Bytes(700, seed: 5);
        await store.PutAsync("b1", BackupManifest.FileName, new MemoryStream(second), None);
        Assert.Equal(second, await ReadAsync(store, "b1", BackupManifest.FileName));
    }

    [Fact]
    public async Task An_empty_store_lists_nothing()
    {
        Assert.Empty(await NewStore().ListAsync(None));
    }

    [Fact]
    public async Task List_names_only_backups_with_a_manifest_in_name_order()
    {
        var store = NewStore();
        foreach (var name in new[] { "zeta", "alpha", "m-2.1" })
        {
            await store.PutAsync(name, BackupManifest.DataFile, new MemoryStream(Bytes(10, seed: 6)), None);
            await store.PutAsync(name, BackupManifest.FileName, new MemoryStream("{}"u8.ToArray()), None);
        }

        await store.PutAsync("unfinished", BackupManifest.DataFile, new MemoryStream(Bytes(10, seed: 7)), None);
        Assert.Equal(["alpha", "m-2.1", "zeta"], await store.ListAsync(None));
    }

    [Fact]
    public async Task Reading_an_object_not_in_the_store_is_not_found_naming_the_backup()
    {
        var store = NewStore();
        await store.PutAsync("b1", BackupManifest.DataFile, new MemoryStream(Bytes(10, seed: 8)), None);
        var missingObject = await Assert.ThrowsAsync<BackupException>(() => store.OpenReadAsync("b1", BackupManifest.FileName, None));
        Assert.Equal(BackupCheck.NotFound, missingObject.Check);
        Assert.Equal(store.LocationOf("b1"), missingObject.Location);
        Assert.Contains(store.LocationOf("b1"), missingObject.Message, StringComparison.Ordinal);
        Assert.Contains(BackupManifest.FileName, missingObject.Message, StringComparison.Ordinal);

        var missingBackup = await Assert.ThrowsAsync<BackupException>(() => store.OpenReadAsync("nothing-here", BackupManifest.DataFile, None));
        Assert.Equal(BackupCheck.NotFound, missingBackup.Check);
        Assert.Contains(store.LocationOf("nothing-here"), missingBackup.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_every_object_of_the_backup_and_only_that_backup()
    {
        var store = NewStore();
        foreach (var name in new[] { "keep", "drop" })
        {
            await store.PutAsync(name, BackupManifest.DataFile, new MemoryStream(Bytes(10, seed: 9)), None);
            await store.PutAsync(name, BackupManifest.FileName, new MemoryStream("{}"u8.ToArray()), None);
        }

        await store.DeleteAsync("drop", None);
        Assert.Equal(["keep"], await store.ListAsync(None));
        foreach (var objectName in new[] { BackupManifest.DataFile, BackupManifest.FileName })
        {
            var e = await Assert.ThrowsAsync<BackupException>(() => store.OpenReadAsync("drop", objectName, None));
            Assert.Equal(BackupCheck.NotFound, e.Check);
        }

        Assert.Equal(10, (await ReadAsync(store, "keep", BackupManifest.DataFile)).Length);
    }

    [Fact]
    public async Task Delete_removes_what_an_unfinished_backup_left()
    {
        var store = NewStore();
        await store.PutAsync("unfinished", BackupManifest.DataFile, new MemoryStream(Bytes(10, seed: 10)), None);
        await store.DeleteAsync("unfinished", None);
        var e = await Assert.ThrowsAsync<BackupException>(() => store.OpenReadAsync("unfinished", BackupManifest.DataFile, None));
        Assert.Equal(BackupCheck.NotFound, e.Check);
    }

    [Fact]
    public async Task Deleting_a_backup_that_is_not_there_succeeds()
    {
        var store = NewStore();
        await store.DeleteAsync("never-written", None);
        Assert.Empty(await store.ListAsync(None));
    }

    [Fact]
    public async Task Names_that_are_not_backup_names_and_unknown_objects_are_refused()
    {
        var store = NewStore();
        var badName = await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("../escape", BackupManifest.DataFile, new MemoryStream(), None));
        Assert.Contains("../escape", badName.Message, StringComparison.Ordinal);
        var badObject = await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync("b1", "other.bin", None));
        Assert.Contains("other.bin", badObject.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backup_location_is_the_store_location_and_the_name()
    {
        var store = NewStore();
        Assert.Equal($"{store.Location.TrimEnd('/')}/b-7", store.LocationOf("b-7"));
    }

    private static async Task<byte[]> ReadAsync(IBackupStore store, string backup, string objectName)
    {
        await using var stream = await store.OpenReadAsync(backup, objectName, None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Content the store cannot seek or ask the length of, as a spooled snapshot or a network stream may be.</summary>
    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data, writable: false);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 65_536));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

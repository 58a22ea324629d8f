using System.Buffers.Binary;
using System.Text;

namespace Raftex.Backup.Tests;

/// <summary>
/// <see cref="BackupVerifier"/> accepts a real backup and refuses each kind of damage with the check that catches it
/// and a message naming the backup, in <see cref="BackupVerifier.VerifyAsync"/> and the writer's streaming
/// <see cref="BackupVerifier.CheckAsync"/> alike; run against each store by a derived class.
/// </summary>
public abstract class BackupVerifierContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract IBackupStore NewStore();

    [Fact]
    public async Task An_intact_backup_verifies_with_its_manifest_snapshot_and_state()
    {
        var store = NewStore();
        var backup = TestBackups.Make(accounts: 200);
        await TestBackups.WriteAsync(store, "b1", backup);

        var verified = await BackupVerifier.VerifyAsync(store, "b1", None);
        Assert.Equal("b1", verified.Name);
        Assert.Equal(store.LocationOf("b1"), verified.Location);
        Assert.Equal(backup.Manifest, verified.Manifest with { Voters = backup.Manifest.Voters, Learners = backup.Manifest.Learners });
        Assert.Equal(backup.Manifest.Index, verified.Snapshot.Metadata.Index);
        Assert.Equal(TestBackups.Voters, verified.Snapshot.Metadata.ConfState.Voters);
        Assert.Equal(backup.Digest, verified.StateDigest);
    }

    [Fact]
    public async Task An_intact_backup_passes_the_streaming_check_with_its_manifest()
    {
        var store = NewStore();
        var backup = TestBackups.Make(accounts: 200);
        await TestBackups.WriteAsync(store, "b1", backup);

        var checkedBackup = await BackupVerifier.CheckAsync(store, "b1", None);
        Assert.Equal("b1", checkedBackup.Name);
        Assert.Equal(store.LocationOf("b1"), checkedBackup.Location);
        Assert.Equal(backup.Manifest, checkedBackup.Manifest with { Voters = backup.Manifest.Voters, Learners = backup.Manifest.Learners });
    }

    [Fact]
    public async Task The_streaming_check_reads_an_exchange_snapshot_bigger_than_the_summary_it_keeps()
    {
        var store = NewStore();
        var backup = TestBackups.Large;
        Assert.True(backup.Data.Length > 4 << 20, $"the large test backup is only {backup.Data.Length} bytes");
        await TestBackups.WriteAsync(store, "large", backup);

        Assert.Equal(backup.Manifest.Sha256, (await BackupVerifier.CheckAsync(store, "large", None)).Manifest.Sha256);

        // A flip deep in the body, with the file's SHA-256 and CRC32C made to match: only the exchange checksum sees it.
        var damaged = TestBackups.MakeWithExchangeBytes(TestBackups.LargeAccounts, bytes => bytes[bytes.Length - 1_000] ^= 0x04);
        var e = await RefusedAsync(damaged);
        Assert.Equal(BackupCheck.StateHash, e.Check);
        Assert.Contains("snapshot checksum mismatch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_streaming_check_does_not_depend_on_how_the_store_splits_its_reads()
    {
        var inner = NewStore();
        var backup = TestBackups.Make(accounts: 300);
        await TestBackups.WriteAsync(inner, "b1", backup);
        var wrong = BackupManifest.FormatHash(backup.Manifest.StateHashValue ^ 1);
        await TestBackups.WriteAsync(inner, "b2", backup, manifest: (backup.Manifest with { StateHash = wrong }).ToJson());

        foreach (var pieces in new[] { new[] { 1 }, [7, 1, 13], [3, 64, 5, 4096, 9] })
        {
            var store = new TricklingStore(inner, pieces);
            Assert.Equal("b1", (await BackupVerifier.CheckAsync(store, "b1", None)).Name);
            var e = await Assert.ThrowsAsync<BackupException>(() => BackupVerifier.CheckAsync(store, "b2", None));
            Assert.Equal(BackupCheck.StateHash, e.Check);
            Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Truncated_data_fails_the_size_check()
    {
        var backup = TestBackups.Make(accounts: 50);
        var e = await RefusedAsync(backup, data: backup.Data[..^100]);
        Assert.Equal(BackupCheck.Size, e.Check);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_longer_than_the_manifest_says_fails_the_size_check()
    {
        var backup = TestBackups.Make(accounts: 50);
        var e = await RefusedAsync(backup, data: [.. backup.Data, 0]);
        Assert.Equal(BackupCheck.Size, e.Check);
        Assert.Contains("longer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_fails_the_checksum_check()
    {
        var backup = TestBackups.Make(accounts: 50);
        var data = (byte[])backup.Data.Clone();
        data[data.Length / 2] ^= 0x20;
        var e = await RefusedAsync(backup, data: data);
        Assert.Equal(BackupCheck.Checksum, e.Check);
        Assert.Contains(backup.Manifest.Sha256, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_behind_a_matching_sha256_fails_the_snapshot_file_check()
    {
        var backup = TestBackups.Make(accounts: 50);
        var data = (byte[])backup.Data.Clone();
        data[data.Length / 2] ^= 0x20;
        var e = await RefusedAsync(backup, data: data, manifest: backup.Manifest with { Sha256 = TestBackups.Sha256(data) });
        Assert.Equal(BackupCheck.SnapshotFile, e.Check);
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_at_another_index_than_the_snapshot_fails_the_snapshot_file_check()
    {
        var backup = TestBackups.Make(accounts: 50);
        var e = await RefusedAsync(backup, manifest: backup.Manifest with { Index = backup.Manifest.Index + 1 });
        Assert.Equal(BackupCheck.SnapshotFile, e.Check);
        Assert.Contains($"{backup.Manifest.Index}/{backup.Manifest.Term}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_with_a_wrong_state_hash_fails_the_state_hash_check()
    {
        var backup = TestBackups.Make(accounts: 50);
        var wrong = BackupManifest.FormatHash(backup.Manifest.StateHashValue ^ 1);
        var e = await RefusedAsync(backup, manifest: backup.Manifest with { StateHash = wrong });
        Assert.Equal(BackupCheck.StateHash, e.Check);
        Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
        Assert.Contains(backup.Manifest.StateHash, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_state_that_does_not_decode_fails_the_state_hash_check()
    {
        var backup = TestBackups.MakeWithExchangeBytes(accounts: 50, bytes => bytes[bytes.Length / 2] ^= 0x01);
        var e = await RefusedAsync(backup);
        Assert.Equal(BackupCheck.StateHash, e.Check);
        Assert.Contains("does not decode", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_format_version_this_build_does_not_read_fails_the_format_check()
    {
        var backup = TestBackups.Make(accounts: 10);
        var e = await RefusedAsync(backup, manifest: backup.Manifest with { FormatVersion = BackupManifest.CurrentFormatVersion + 1 });
        Assert.Equal(BackupCheck.Format, e.Check);
        Assert.Contains($"manifest format version {BackupManifest.CurrentFormatVersion + 1}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_file_version_this_build_does_not_read_fails_the_format_check()
    {
        var backup = TestBackups.Make(accounts: 10);
        var data = (byte[])backup.Data.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(TestBackups.FileVersionOffset), 99);
        var e = await RefusedAsync(backup, data: data, manifest: backup.Manifest with { Sha256 = TestBackups.Sha256(data) });
        Assert.Equal(BackupCheck.Format, e.Check);
    }

    [Fact]
    public async Task An_exchange_snapshot_version_this_build_does_not_read_fails_the_format_check()
    {
        var backup = TestBackups.MakeWithExchangeBytes(accounts: 10, bytes => BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(TestBackups.ExchangeVersionOffset), 99));
        var e = await RefusedAsync(backup);
        Assert.Equal(BackupCheck.Format, e.Check);
        Assert.Contains("unsupported snapshot version", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_that_is_not_json_fails_the_manifest_check()
    {
        var backup = TestBackups.Make(accounts: 10);
        var e = await RefusedAsync(backup, manifestBytes: "{\"formatVersion\": 1, \"clusterId\": "u8.ToArray());
        Assert.Equal(BackupCheck.Manifest, e.Check);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_without_a_checksum_fails_the_manifest_check()
    {
        var backup = TestBackups.Make(accounts: 10);
        var json = Encoding.UTF8.GetString(backup.Manifest.ToJson()).Replace(backup.Manifest.Sha256, "not-hex", StringComparison.Ordinal);
        var e = await RefusedAsync(backup, manifestBytes: Encoding.UTF8.GetBytes(json));
        Assert.Equal(BackupCheck.Manifest, e.Check);
        Assert.Contains("sha256 'not-hex'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_without_a_manifest_is_not_found()
    {
        var store = NewStore();
        var backup = TestBackups.Make(accounts: 10);
        await store.PutAsync("unfinished", BackupManifest.DataFile, new MemoryStream(backup.Data), None);
        var e = await Assert.ThrowsAsync<BackupException>(() => BackupVerifier.VerifyAsync(store, "unfinished", None));
        Assert.Equal(BackupCheck.NotFound, e.Check);
        Assert.Contains(store.LocationOf("unfinished"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_without_its_data_is_not_found()
    {
        var store = NewStore();
        var backup = TestBackups.Make(accounts: 10);
        await store.PutAsync("no-data", BackupManifest.FileName, new MemoryStream(backup.Manifest.ToJson()), None);
        var e = await Assert.ThrowsAsync<BackupException>(() => BackupVerifier.VerifyAsync(store, "no-data", None));
        Assert.Equal(BackupCheck.NotFound, e.Check);
        Assert.Contains(BackupManifest.DataFile, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latest_resolves_to_the_complete_backup_with_the_highest_index()
    {
        var store = NewStore();
        var small = TestBackups.Make(accounts: 5);
        var large = TestBackups.Make(accounts: 30);
        var middle = TestBackups.Make(accounts: 20, term: 9);
        var largest = TestBackups.Make(accounts: 40);
        Assert.True(small.Manifest.Index < middle.Manifest.Index && middle.Manifest.Index < large.Manifest.Index && large.Manifest.Index < largest.Manifest.Index);

        // Name order disagrees with index order; the highest index is unfinished (no manifest) and a damaged manifest is skipped.
        await TestBackups.WriteAsync(store, "a-large", large);
        await TestBackups.WriteAsync(store, "b-middle", middle);
        await TestBackups.WriteAsync(store, "c-small", small);
        await store.PutAsync("d-unfinished", BackupManifest.DataFile, new MemoryStream(largest.Data), None);
        await TestBackups.WriteAsync(store, "e-damaged", largest, manifest: "not json"u8.ToArray());

        Assert.Equal("a-large", await BackupVerifier.ResolveAsync(store, BackupName.Latest, None));
        var verified = await BackupVerifier.VerifyAsync(store, BackupName.Latest, None);
        Assert.Equal("a-large", verified.Name);
        Assert.Equal(large.Manifest.Index, verified.Manifest.Index);
    }

    [Fact]
    public async Task Latest_in_a_store_without_a_complete_backup_is_not_found_naming_the_store()
    {
        var store = NewStore();
        await store.PutAsync("unfinished", BackupManifest.DataFile, new MemoryStream([1, 2, 3]), None);
        var e = await Assert.ThrowsAsync<BackupException>(() => BackupVerifier.VerifyAsync(store, BackupName.Latest, None));
        Assert.Equal(BackupCheck.NotFound, e.Check);
        Assert.Contains(store.Location.TrimEnd('/'), e.Message, StringComparison.Ordinal);
        Assert.Contains("no complete backup", e.Message, StringComparison.Ordinal);
    }

    private async Task<BackupException> RefusedAsync(TestBackups.Built backup, byte[]? data = null, BackupManifest? manifest = null, byte[]? manifestBytes = null)
    {
        var store = NewStore();
        await TestBackups.WriteAsync(store, "damaged", backup, data, manifestBytes ?? manifest?.ToJson());
        var e = await Assert.ThrowsAsync<BackupException>(() => BackupVerifier.VerifyAsync(store, "damaged", None));
        Assert.Equal(store.LocationOf("damaged"), e.Location);
        Assert.StartsWith($"backup {store.LocationOf("damaged")}: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(e.Hint, e.Message, StringComparison.Ordinal);

        // The writer's streaming check refuses the same damage with the same check and the same words.
        var streamed = await Assert.ThrowsAsync<BackupException>(() => BackupVerifier.CheckAsync(store, "damaged", None));
        Assert.Equal(e.Check, streamed.Check);
        Assert.Equal(e.Message, streamed.Message);
        return e;
    }

    /// <summary>A store whose data streams hand out at most the next of <c>pieces</c> bytes per read, cycling.</summary>
    private sealed class TricklingStore(IBackupStore inner, int[] pieces) : IBackupStore
    {
        public string Location => inner.Location;

        public string LocationOf(string backup) => inner.LocationOf(backup);

        public Task PutAsync(string backup, string objectName, Stream content, CancellationToken ct) => inner.PutAsync(backup, objectName, content, ct);

        public async Task<Stream> OpenReadAsync(string backup, string objectName, CancellationToken ct)
        {
            var stream = await inner.OpenReadAsync(backup, objectName, ct);
            return objectName == BackupManifest.DataFile ? new Trickle(stream, pieces) : stream;
        }

        public Task<IReadOnlyList<string>> ListAsync(CancellationToken ct) => inner.ListAsync(ct);

        public Task DeleteAsync(string backup, CancellationToken ct) => inner.DeleteAsync(backup, ct);
    }

    private sealed class Trickle(Stream inner, int[] pieces) : Stream
    {
        private int _next;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, pieces[_next++ % pieces.Length]));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer[..Math.Min(buffer.Length, pieces[_next++ % pieces.Length])], cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

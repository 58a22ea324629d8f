using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;

namespace Raftex.Backup.Tests;

/// <summary>
/// <see cref="BackupWriter"/> pipes a member's stream into a store: a good stream becomes a complete, checked backup;
/// a stream that turns out bad anywhere, even in its last chunk, leaves nothing in the store, not even data without a
/// manifest. Run against each store by a derived class (the S3 store splits uploads at its smallest part size, so the
/// large backup is a multipart upload).
/// </summary>
public abstract class BackupWriterContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly BackupWriterOptions Unpaced = new() { BytesPerSecond = null };

    protected abstract IBackupStore NewStore();

    [Fact]
    public async Task A_good_stream_becomes_a_checked_backup_with_the_members_bytes_and_manifest()
    {
        var store = NewStore();
        var backup = TestBackups.Large;
        var written = await BackupWriter.WriteAsync(new FakeSnapshotMember(backup).Client, store, "good", null, TimeProvider.System, Unpaced, None);

        Assert.Equal("good", written.Name);
        Assert.Equal(store.LocationOf("good"), written.Location);
        Assert.Equal(backup.Manifest.Sha256, written.Manifest.Sha256);
        Assert.Equal(backup.Manifest.Size, written.Manifest.Size);
        Assert.Equal(backup.Manifest.StateHash, written.Manifest.StateHash);
        Assert.Equal(backup.Manifest.Index, written.Manifest.Index);
        Assert.Equal(["good"], await store.ListAsync(None));
        Assert.Equal(backup.Digest, (await BackupVerifier.VerifyAsync(store, "good", None)).StateDigest);
    }

    [Fact]
    public async Task A_chunk_that_does_not_match_its_sha256_midway_leaves_nothing_in_the_store()
    {
        var member = new FakeSnapshotMember(TestBackups.Large)
        {
            Damage = chunks =>
            {
                var bad = chunks[chunks.Count / 2];
                var bytes = bad.Data.ToByteArray();
                bytes[10] ^= 1;
                bad.Data = ByteString.CopyFrom(bytes);
                return chunks;
            },
        };
        var e = await RefusedAsync(member, "bad-chunk");
        Assert.Equal(BackupCheck.Checksum, e.Check);
        Assert.Contains("does not match its SHA-256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whole_file_sha256_that_does_not_match_at_the_last_chunk_leaves_nothing_in_the_store()
    {
        var member = new FakeSnapshotMember(TestBackups.Large)
        {
            Damage = chunks =>
            {
                var sha = chunks[^1].FileSha256.ToByteArray();
                sha[0] ^= 1;
                chunks[^1].FileSha256 = ByteString.CopyFrom(sha);
                return chunks;
            },
        };
        var e = await RefusedAsync(member, "bad-file-sha");
        Assert.Equal(BackupCheck.Checksum, e.Check);
        Assert.Contains("does not match the SHA-256 the member computed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_ends_before_its_last_chunk_leaves_nothing_in_the_store()
    {
        var member = new FakeSnapshotMember(TestBackups.Large) { Damage = chunks => chunks.Take(chunks.Count - 1) };
        var e = await RefusedAsync(member, "cut-short");
        Assert.Equal(BackupCheck.Size, e.Check);
        Assert.Contains("before its last chunk", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_breaks_midway_leaves_nothing_in_the_store()
    {
        var member = new FakeSnapshotMember(TestBackups.Large) { BreakAfter = (40, StatusCode.Unavailable) };
        var e = await RefusedAsync(member, "broken");
        Assert.Equal(BackupCheck.Store, e.Check);
        Assert.Contains("snapshot stream failed: Unavailable the member went away", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paced_backup_takes_at_least_its_size_over_the_pace()
    {
        var store = NewStore();
        var backup = TestBackups.Make(accounts: 2_000);
        var pace = new BackupWriterOptions { BytesPerSecond = backup.Data.Length };
        var started = Stopwatch.GetTimestamp();
        await BackupWriter.WriteAsync(new FakeSnapshotMember(backup, chunkBytes: backup.Data.Length / 8).Client, store, "paced", null, TimeProvider.System, pace, None);
        var took = Stopwatch.GetElapsedTime(started);

        // The last chunk is due one second after the start: the pace is a floor, whatever else the machine does.
        Assert.True(took >= TimeSpan.FromSeconds(0.95), $"a backup of {backup.Data.Length} bytes at {pace.BytesPerSecond} bytes/s took only {took}");
        Assert.Equal(["paced"], await store.ListAsync(None));
    }

    [Fact]
    public async Task Options_without_a_positive_pace_are_refused()
    {
        var member = new FakeSnapshotMember(TestBackups.Make(accounts: 5));
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            BackupWriter.WriteAsync(member.Client, NewStore(), "b1", null, TimeProvider.System, new BackupWriterOptions { BytesPerSecond = 0 }, None));
        Assert.Contains("BytesPerSecond must be positive", e.Message, StringComparison.Ordinal);
    }

    private async Task<BackupException> RefusedAsync(FakeSnapshotMember member, string name)
    {
        var store = NewStore();
        var e = await Assert.ThrowsAsync<BackupException>(() => BackupWriter.WriteAsync(member.Client, store, name, null, TimeProvider.System, Unpaced, None));
        Assert.Equal(store.LocationOf(name), e.Location);
        Assert.Empty(await store.ListAsync(None));
        foreach (var objectName in new[] { BackupManifest.DataFile, BackupManifest.FileName })
        {
            var missing = await Assert.ThrowsAsync<BackupException>(() => store.OpenReadAsync(name, objectName, None));
            Assert.Equal(BackupCheck.NotFound, missing.Check);
        }

        AssertNothingElseLeft(store, name);
        return e;
    }

    /// <summary>What a store may hold besides its objects (a file store's temporary files) is gone too.</summary>
    protected virtual void AssertNothingElseLeft(IBackupStore store, string name)
    {
    }
}

public sealed class FilesystemWriterTests : BackupWriterContract, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("raftex-fs-writer-").FullName;
    private int _stores;

    // A flush every 256 KiB, so the large backup is written in many fsynced steps.
    protected override IBackupStore NewStore() => new FilesystemBackupStore(Path.Combine(_root, $"store-{++_stores}"), flushBytes: 256 * 1024);

    protected override void AssertNothingElseLeft(IBackupStore store, string name)
    {
        var root = ((FilesystemBackupStore)store).Root;
        Assert.False(Directory.Exists(Path.Combine(root, name)), $"{Path.Combine(root, name)} is left behind");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

public sealed class S3WriterTests(S3ServerFixture s3) : BackupWriterContract, IClassFixture<S3ServerFixture>
{
    protected override IBackupStore NewStore() => s3.NewStore();
}

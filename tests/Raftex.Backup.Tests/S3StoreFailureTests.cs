using Raftex.Testing;

namespace Raftex.Backup.Tests;

/// <summary>S3 refusals and unreachable endpoints surface as store failures naming the backup and the S3 error.</summary>
public sealed class S3StoreFailureTests(S3ServerFixture s3) : IClassFixture<S3ServerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task An_unknown_access_key_is_a_store_failure_with_the_s3_error_code()
    {
        // s3rver checks the access key id of a SigV4 request but not the signature, so the key is what is wrong here.
        using var store = Store(s3.Server.Bucket, s3.Server.Endpoint, accessKeyId: "NOT-A-KEY");
        var e = await Assert.ThrowsAsync<BackupException>(() => store.PutAsync("b1", BackupManifest.FileName, new MemoryStream([1]), None));
        Assert.Equal(BackupCheck.Store, e.Check);
        Assert.Contains("S3 error InvalidAccessKeyId (HTTP 403)", e.Message, StringComparison.Ordinal);
        Assert.Contains(store.LocationOf("b1"), e.Message, StringComparison.Ordinal);
        Assert.EndsWith(BackupException.HintFor(BackupCheck.Store), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_is_a_store_failure_not_a_missing_backup()
    {
        using var store = Store("no-such-bucket", s3.Server.Endpoint);
        var read = await Assert.ThrowsAsync<BackupException>(() => store.OpenReadAsync("b1", BackupManifest.FileName, None));
        Assert.Equal(BackupCheck.Store, read.Check);
        Assert.Contains("NoSuchBucket", read.Message, StringComparison.Ordinal);
        var list = await Assert.ThrowsAsync<BackupException>(() => store.ListAsync(None));
        Assert.Equal(BackupCheck.Store, list.Check);
        Assert.Contains("s3://no-such-bucket/p", list.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_is_a_store_failure()
    {
        var port = LoopbackPorts.Reserve();
        using var store = Store("backups", new Uri($"http://127.0.0.1:{port}"));
        var e = await Assert.ThrowsAsync<BackupException>(() => store.ListAsync(None));
        Assert.Equal(BackupCheck.Store, e.Check);
        Assert.Contains("listing the store failed", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public async Task A_put_that_fails_midway_leaves_no_object()
    {
        var store = s3.NewStore();
        var failing = new FailingStream(okBytes: (S3StoreOptions.MinimumPartSize * 2) + 10);
        var put = await Assert.ThrowsAsync<BackupException>(() => store.PutAsync("b1", BackupManifest.DataFile, failing, None));
        Assert.Equal(BackupCheck.Store, put.Check);
        Assert.Contains("the source broke", put.Message, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<BackupException>(() => store.OpenReadAsync("b1", BackupManifest.DataFile, None));
        Assert.Equal(BackupCheck.NotFound, e.Check);
    }

    private static S3BackupStore Store(string bucket, Uri endpoint, string accessKeyId = S3Server.AccessKeyId) => new(new S3StoreOptions
    {
        Bucket = bucket,
        Prefix = "p",
        Endpoint = endpoint,
        ForcePathStyle = true,
        AccessKeyId = accessKeyId,
        SecretAccessKey = S3Server.SecretAccessKey,
    });

    /// <summary>Gives <paramref name="okBytes"/> bytes, then fails as a broken source (a dying member's stream, a bad disk) would.</summary>
    private sealed class FailingStream(int okBytes) : Stream
    {
        private int _given;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= okBytes)
            {
                throw new IOException("the source broke");
            }

            var n = Math.Min(count, okBytes - _given);
            buffer.AsSpan(offset, n).Fill(0x5a);
            _given += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System.Buffers;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Raftex.Backup;

/// <summary>
/// Backups as objects in an S3 bucket (AWS S3 or a compatible server): <c>prefix/name/snapshot.snap</c> and
/// <c>prefix/name/manifest.json</c>. S3 makes an object visible only once its PUT (or the completion of its multipart
/// upload) succeeds, so an object under its key is complete; the manifest, put last, marks the backup complete.
/// </summary>
public sealed class S3BackupStore : IBackupStore, IDisposable
{
    private readonly S3StoreOptions _options;
    private readonly AmazonS3Client _client;
    private readonly string _keyPrefix;

    /// <summary>A store for <paramref name="options"/>; throws <see cref="ArgumentException"/> when they are not valid.</summary>
    public S3BackupStore(S3StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _keyPrefix = options.Prefix.Length == 0 ? string.Empty : options.Prefix + "/";
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where S3 demands them: flexible checksums send the body aws-chunked with a trailer, which
            // S3-compatible servers do not all read; the backup's own SHA-256 in the manifest is what restores check.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // The endpoint is the options' alone, not one from AWS_ENDPOINT_URL or a profile.
            IgnoreConfiguredEndpointUrls = true,
            MaxErrorRetry = 3,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (options.Endpoint is null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.Endpoint.AbsoluteUri;
            config.AuthenticationRegion = options.Region;
        }

        _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config);
    }

    public S3StoreOptions Options => _options;

    public string Location => _options.Location;

    public string LocationOf(string backup) => $"{Location}/{backup}";

    public async Task PutAsync(string backup, string objectName, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var key = Key(backup, objectName);
        var buffer = ArrayPool<byte>.Shared.Rent(_options.PartSize);
        string? uploadId = null;
        try
        {
            var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, _options.PartSize), _options.PartSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (filled < _options.PartSize)
            {
                await _client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = _options.Bucket,
                    Key = key,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                    UseChunkEncoding = false,
                }, ct).ConfigureAwait(false);
                return;
            }

            // A part at a time, so memory stays at one part; S3 shows the object only when the upload completes.
            var started = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = key }, ct).ConfigureAwait(false);
            uploadId = started.UploadId;
            var parts = new List<PartETag>();
            while (filled > 0)
            {
                var part = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _options.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = parts.Count + 1,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                    PartSize = filled,
                    UseChunkEncoding = false,
                }, ct).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, _options.PartSize), _options.PartSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            }

            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, ct).ConfigureAwait(false);
            uploadId = null;
        }
        catch (Exception e) when (IsStoreFailure(e, ct))
        {
            throw Failure(backup, $"writing {objectName}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (uploadId is not null)
            {
                await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            }
        }
    }

    public async Task<Stream> OpenReadAsync(string backup, string objectName, CancellationToken ct)
    {
        var key = Key(backup, objectName);
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, ct).ConfigureAwait(false);
            return new ObjectStream(response, LocationOf(backup), objectName);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket"))
        {
            throw new BackupException(LocationOf(backup), BackupCheck.NotFound, $"{objectName} is not in the store");
        }
        catch (Exception e) when (IsStoreFailure(e, ct))
        {
            throw Failure(backup, $"reading {objectName}", e);
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct)
    {
        var names = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _keyPrefix };
        try
        {
            while (true)
            {
                var page = await _client.ListObjectsV2Async(request, ct).ConfigureAwait(false);
                foreach (var entry in page.S3Objects ?? [])
                {
                    var name = CompleteBackupOf(entry.Key);
                    if (name is not null)
                    {
                        names.Add(name);
                    }
                }

                if (page.IsTruncated != true)
                {
                    break;
                }

                request.ContinuationToken = page.NextContinuationToken;
            }
        }
        catch (Exception e) when (IsStoreFailure(e, ct))
        {
            throw new BackupException(Location, BackupCheck.Store, $"listing the store failed: {Describe(e)}", e);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public async Task DeleteAsync(string backup, CancellationToken ct)
    {
        var prefix = _keyPrefix + BackupName.Check(backup) + "/";
        try
        {
            // The manifest goes first: from then on the backup is no longer listed, whatever a failure leaves behind.
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = prefix + BackupManifest.FileName }, ct).ConfigureAwait(false);
            var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix };
            while (true)
            {
                var page = await _client.ListObjectsV2Async(request, ct).ConfigureAwait(false);
                foreach (var entry in page.S3Objects ?? [])
                {
                    await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = entry.Key }, ct).ConfigureAwait(false);
                }

                if (page.IsTruncated != true)
                {
                    break;
                }

                request.ContinuationToken = page.NextContinuationToken;
            }
        }
        catch (Exception e) when (IsStoreFailure(e, ct))
        {
            throw Failure(backup, "deleting the backup", e);
        }
    }

    public void Dispose() => _client.Dispose();

    private string Key(string backup, string objectName) =>
        objectName is BackupManifest.FileName or BackupManifest.DataFile
            ? $"{_keyPrefix}{BackupName.Check(backup)}/{objectName}"
            : throw new ArgumentException($"unknown backup object '{objectName}'", nameof(objectName));

    /// <summary>The backup a key is the manifest of, or null for any other key.</summary>
    private string? CompleteBackupOf(string key)
    {
        var rest = key.AsSpan(_keyPrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || !rest[(slash + 1)..].SequenceEqual(BackupManifest.FileName))
        {
            return null;
        }

        var name = rest[..slash].ToString();
        try
        {
            return BackupName.Check(name);
        }
        catch (ArgumentException)
        {
            // Not a name this store writes (something else shares the prefix): not a backup.
            return null;
        }
    }

    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = uploadId }).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e, CancellationToken.None))
        {
            // The put already failed; parts of an upload never completed are not an object, and bucket lifecycle rules expire them.
        }
    }

    private BackupException Failure(string backup, string what, Exception e) =>
        new(LocationOf(backup), BackupCheck.Store, $"{what} failed: {Describe(e)}", e);

    /// <summary>S3 errors with their code and message; network failures with their own message.</summary>
    private static string Describe(Exception e) => e switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } s => $"S3 error {code} (HTTP {(int)s.StatusCode}): {s.Message}",
        AmazonServiceException s when s.InnerException is not null => $"{s.Message} ({s.InnerException.Message})",
        TaskCanceledException => "the request timed out",
        _ => e.Message,
    };

    private static bool IsStoreFailure(Exception e, CancellationToken ct) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested);

    /// <summary>The body of a GET, owning its response; a failure while reading is a store failure naming the backup.</summary>
    private sealed class ObjectStream(GetObjectResponse response, string location, string objectName) : Stream
    {
        private readonly Stream _body = response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position
        {
            get => throw new NotSupportedException("an S3 object is read once, front to back");
            set => throw new NotSupportedException("an S3 object is read once, front to back");
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return _body.Read(buffer, offset, count);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw Broken(e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw Broken(e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("an S3 object is read once, front to back");

        public override void SetLength(long value) => throw new NotSupportedException("an S3 object is read-only");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("an S3 object is read-only");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }

        private BackupException Broken(Exception e) =>
            new(location, BackupCheck.Store, $"reading {objectName} failed midway: {e.Message}", e);
    }
}

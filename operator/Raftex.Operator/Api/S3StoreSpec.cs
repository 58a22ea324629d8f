using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>A backup location in an S3-compatible object store.</summary>
[Description("An S3-compatible object store: bucket, key prefix, endpoint and credentials.")]
public sealed class S3StoreSpec
{
    [Required]
    [Description("Bucket name.")]
    [MinLength(3)]
    public string Bucket { get; set; } = string.Empty;

    [Description("Key prefix under which backups are written (backup <name> lives under <prefix>/<name>/).")]
    public string? Prefix { get; set; }

    [Description("Endpoint URL of an S3-compatible server (e.g. http://minio.backup.svc:9000); AWS S3 when omitted.")]
    public string? Endpoint { get; set; }

    [Description("Region of the bucket.")]
    public string? Region { get; set; }

    [Description("Address buckets by path (endpoint/bucket/key) instead of by host name, as most S3-compatible servers need.")]
    public bool? ForcePathStyle { get; set; }

    [Required]
    [Description("Secret in the same namespace holding the access key id and secret access key.")]
    public S3CredentialsSecret CredentialsSecret { get; set; } = new();
}

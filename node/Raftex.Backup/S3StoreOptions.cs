using System.Globalization;

namespace Raftex.Backup;

/// <summary>
/// Where an <see cref="S3BackupStore"/> keeps its backups and how it reaches the service: objects at
/// <c>&lt;prefix&gt;/&lt;backup&gt;/&lt;object&gt;</c> in <see cref="Bucket"/>. Credentials come from the caller (the operator
/// reads them from a Secret, the node and tools from the environment), never from the location string.
/// </summary>
public sealed class S3StoreOptions
{
    /// <summary>Environment variable <see cref="FromLocation(string)"/> reads the access key id from.</summary>
    public const string AccessKeyIdVariable = "RAFTEX_S3_ACCESS_KEY_ID";

    /// <summary>Environment variable <see cref="FromLocation(string)"/> reads the secret access key from.</summary>
    public const string SecretAccessKeyVariable = "RAFTEX_S3_SECRET_ACCESS_KEY";

    /// <summary>S3's smallest part but the last one of a multipart upload.</summary>
    public const int MinimumPartSize = 5 << 20;

    private const string Scheme = "s3://";

    public required string Bucket { get; init; }

    /// <summary>Key prefix without leading or trailing '/'; empty puts backups at the bucket's top.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>The service URL (an S3-compatible server); null for AWS S3 itself, found from <see cref="Region"/>.</summary>
    public Uri? Endpoint { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>Addresses the bucket in the path (<c>endpoint/bucket/key</c>) rather than as a host name; most S3-compatible servers need it.</summary>
    public bool ForcePathStyle { get; init; }

    public required string AccessKeyId { get; init; }

    public required string SecretAccessKey { get; init; }

    /// <summary>
    /// Objects up to this size are one PUT; a bigger one is a multipart upload of parts this size, so a put holds one
    /// part in memory whatever the object's size.
    /// </summary>
    public int PartSize { get; init; } = 16 << 20;

    /// <summary>The store as <c>s3://bucket/prefix</c> (no endpoint or credentials), for status and errors.</summary>
    public string Location => Prefix.Length == 0 ? $"{Scheme}{Bucket}" : $"{Scheme}{Bucket}/{Prefix}";

    /// <summary>
    /// Parses <c>s3://bucket/prefix?endpoint=URL&amp;region=NAME&amp;pathStyle=true|false</c>, with credentials from
    /// <see cref="AccessKeyIdVariable"/> and <see cref="SecretAccessKeyVariable"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The location is malformed or a credential variable is unset or empty.</exception>
    public static S3StoreOptions FromLocation(string location) =>
        FromLocation(location, Environment.GetEnvironmentVariable(AccessKeyIdVariable), Environment.GetEnvironmentVariable(SecretAccessKeyVariable));

    /// <summary>Parses a location as <see cref="FromLocation(string)"/> does, with the credentials given.</summary>
    /// <exception cref="ArgumentException">The location is malformed or a credential is null or empty.</exception>
    public static S3StoreOptions FromLocation(string location, string? accessKeyId, string? secretAccessKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (!location.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new ArgumentException($"backup store '{location}' does not start with {Scheme}");
        }

        var rest = location[Scheme.Length..];
        var query = string.Empty;
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..].TrimEnd('/');
        Uri? endpoint = null;
        var region = "us-east-1";
        var pathStyle = false;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            switch (key)
            {
                case "endpoint":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out endpoint))
                    {
                        throw new ArgumentException($"backup store '{location}': endpoint '{value}' is not an absolute URL");
                    }

                    break;
                case "region":
                    region = value;
                    break;
                case "pathStyle":
                    pathStyle = value switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw new ArgumentException($"backup store '{location}': pathStyle '{value}' is neither true nor false"),
                    };
                    break;
                default:
                    throw new ArgumentException($"backup store '{location}': parameter '{key}' is not one of endpoint, region, pathStyle");
            }
        }

        if (string.IsNullOrEmpty(accessKeyId) || string.IsNullOrEmpty(secretAccessKey))
        {
            throw new ArgumentException(
                $"backup store '{location}' needs credentials: set {(string.IsNullOrEmpty(accessKeyId) ? AccessKeyIdVariable : SecretAccessKeyVariable)}");
        }

        var options = new S3StoreOptions
        {
            Bucket = bucket,
            Prefix = prefix,
            Endpoint = endpoint,
            Region = region,
            ForcePathStyle = pathStyle,
            AccessKeyId = accessKeyId,
            SecretAccessKey = secretAccessKey,
        };
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that S3 would refuse or that this store cannot use.</summary>
    public void Validate()
    {
        if (Bucket is null || Bucket.Length is < 3 or > 63)
        {
            throw new ArgumentException($"S3 bucket '{Bucket}' must have 3 to 63 characters");
        }

        foreach (var c in Bucket)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.'))
            {
                throw new ArgumentException($"S3 bucket '{Bucket}' may hold only lower-case letters, digits, '-' and '.'");
            }
        }

        if (!char.IsAsciiLetterOrDigit(Bucket[0]) || !char.IsAsciiLetterOrDigit(Bucket[^1]))
        {
            throw new ArgumentException($"S3 bucket '{Bucket}' must start and end with a letter or digit");
        }

        ArgumentNullException.ThrowIfNull(Prefix);
        if (Prefix.StartsWith('/') || Prefix.EndsWith('/') || Prefix.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"S3 prefix '{Prefix}' must not start or end with '/' or hold an empty segment");
        }

        if (Endpoint is not null && (!Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"S3 endpoint '{Endpoint}' must be an absolute http:// or https:// URL");
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            throw new ArgumentException("S3 region must not be empty");
        }

        if (string.IsNullOrEmpty(AccessKeyId) || string.IsNullOrEmpty(SecretAccessKey))
        {
            throw new ArgumentException($"S3 store {Location} needs an access key id and a secret access key");
        }

        if (PartSize < MinimumPartSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"S3 part size {PartSize} is below S3's minimum of {MinimumPartSize} bytes"));
        }
    }

    /// <summary>The location and endpoint, never the credentials.</summary>
    public override string ToString() => Endpoint is null ? Location : $"{Location} at {Endpoint}";
}

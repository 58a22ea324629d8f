using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Backups;

/// <summary>
/// How node pods reach a store: the location string a node opens (the filesystem path, or
/// <c>s3://bucket/prefix?endpoint=..&amp;region=..&amp;pathStyle=true</c>), the volume a filesystem store is mounted from
/// (read-only, at the same path), and the credential variables an S3 store needs (from the Secret, by secretKeyRef).
/// </summary>
public static class BackupStoreLocation
{
    /// <summary>Name of the backup store volume in a restoring pod.</summary>
    public const string VolumeName = "backup-store";

    /// <summary>Variable carrying the S3 access key id into a node.</summary>
    public const string AccessKeyIdVariable = "RAFTEX_S3_ACCESS_KEY_ID";

    /// <summary>Variable carrying the S3 secret access key into a node.</summary>
    public const string SecretAccessKeyVariable = "RAFTEX_S3_SECRET_ACCESS_KEY";

    /// <summary>The location string of <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException">The store names no kind or both.</exception>
    public static string Of(BackupStoreSpec store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (store.Filesystem, store.S3) switch
        {
            ({ } fs, null) => fs.Path,
            (null, { } s3) => S3Location(s3),
            _ => throw new ArgumentException("a backup store names exactly one of filesystem or s3"),
        };
    }

    /// <summary>The volume a restoring pod mounts, or null for an S3 store.</summary>
    public static V1Volume? Volume(BackupStoreSpec store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Filesystem is not { } fs)
        {
            return null;
        }

        return fs.ClaimName is { Length: > 0 } claim
            ? new V1Volume { Name = VolumeName, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnlyProperty = true } }
            : new V1Volume { Name = VolumeName, HostPath = new V1HostPathVolumeSource { Path = fs.Path, Type = "Directory" } };
    }

    /// <summary>The read-only mount of <see cref="Volume"/> at the store's path, or null for an S3 store.</summary>
    public static V1VolumeMount? Mount(BackupStoreSpec store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Filesystem is { } fs ? new V1VolumeMount { Name = VolumeName, MountPath = fs.Path, ReadOnlyProperty = true } : null;
    }

    /// <summary>The credential variables of an S3 store (empty for a filesystem store).</summary>
    public static IReadOnlyList<V1EnvVar> Environment(BackupStoreSpec store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.S3 is not { } s3)
        {
            return [];
        }

        var secret = s3.CredentialsSecret;
        return
        [
            SecretVariable(AccessKeyIdVariable, secret.Name, secret.AccessKeyIdKey ?? S3CredentialsSecret.DefaultAccessKeyIdKey),
            SecretVariable(SecretAccessKeyVariable, secret.Name, secret.SecretAccessKeyKey ?? S3CredentialsSecret.DefaultSecretAccessKeyKey),
        ];
    }

    private static V1EnvVar SecretVariable(string name, string secret, string key) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } } };

    private static string S3Location(S3StoreSpec s3)
    {
        var prefix = (s3.Prefix ?? string.Empty).Trim('/');
        var query = new List<string>();
        if (!string.IsNullOrEmpty(s3.Endpoint))
        {
            query.Add("endpoint=" + Uri.EscapeDataString(s3.Endpoint));
        }

        if (!string.IsNullOrEmpty(s3.Region))
        {
            query.Add("region=" + Uri.EscapeDataString(s3.Region));
        }

        if (s3.ForcePathStyle == true)
        {
            query.Add("pathStyle=true");
        }

        var path = prefix.Length == 0 ? $"s3://{s3.Bucket}" : $"s3://{s3.Bucket}/{prefix}";
        return query.Count == 0 ? path : path + "?" + string.Join("&", query);
    }
}

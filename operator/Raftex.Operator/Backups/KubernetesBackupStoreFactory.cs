using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using Raftex.Backup;
using Raftex.Operator.Api;

namespace Raftex.Operator.Backups;

/// <summary>
/// The operator's stores: a <see cref="FilesystemBackupStore"/> at the spec's path (a volume mounted into the operator),
/// or an <see cref="S3BackupStore"/> at the location the nodes use too, with credentials from the spec's Secret. The
/// caller disposes a store that is <see cref="IDisposable"/>.
/// </summary>
public sealed class KubernetesBackupStoreFactory(IKubernetes kube) : IBackupStoreFactory
{
    public async Task<IBackupStore> OpenAsync(BackupStoreSpec store, string ns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var location = BackupStoreLocation.Of(store);
        if (store.Filesystem is { } fs)
        {
            return new FilesystemBackupStore(fs.Path);
        }

        var (accessKeyId, secretAccessKey) = await ReadCredentialsAsync(store.S3!, ns, location, ct).ConfigureAwait(false);
        try
        {
            // The same location string the nodes open, so what the operator writes is what a restoring node reads.
            return new S3BackupStore(S3StoreOptions.FromLocation(location, accessKeyId, secretAccessKey));
        }
        catch (ArgumentException e)
        {
            throw new BackupException(location, BackupCheck.Store, e.Message, e);
        }
    }

    /// <summary>The access key id and secret access key from the store's Secret; precise errors for a missing Secret or key.</summary>
    public async Task<(string AccessKeyId, string SecretAccessKey)> ReadCredentialsAsync(S3StoreSpec s3, string ns, string location, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s3);
        var secretName = s3.CredentialsSecret.Name;
        k8s.Models.V1Secret secret;
        try
        {
            secret = await kube.CoreV1.ReadNamespacedSecretAsync(secretName, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new BackupException(location, BackupCheck.Store, $"credentials Secret {ns}/{secretName} does not exist");
        }
        catch (HttpOperationException e)
        {
            throw new BackupException(location, BackupCheck.Store, $"reading credentials Secret {ns}/{secretName} failed: {e.Response.StatusCode}");
        }

        string Key(string? key, string fallback)
        {
            var name = string.IsNullOrEmpty(key) ? fallback : key;
            return secret.Data is { } data && data.TryGetValue(name, out var bytes) && bytes.Length > 0
                ? Encoding.UTF8.GetString(bytes)
                : throw new BackupException(location, BackupCheck.Store, $"credentials Secret {ns}/{secretName} has no key '{name}'");
        }

        return (Key(s3.CredentialsSecret.AccessKeyIdKey, S3CredentialsSecret.DefaultAccessKeyIdKey),
            Key(s3.CredentialsSecret.SecretAccessKeyKey, S3CredentialsSecret.DefaultSecretAccessKeyKey));
    }
}

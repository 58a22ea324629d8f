using k8s;
using k8s.Models;
using Raftex.Backup;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// ExchangeBackups and a restore with an S3 store: a real S3-compatible server (s3rver, tools/s3-server.sh) on 127.0.0.1,
/// credentials from a Secret in the embedded API server, the store opened by the real factory.
/// </summary>
public sealed class S3BackupTests
{
    private static ClusterCondition Ready(ExchangeBackup b) => Assert.Single(b.Status!.Conditions!, c => c.Type == ExchangeBackupReconciler.ReadyCondition);

    private static BackupStoreSpec Store(S3Server s3, string secret = "s3-creds") => new()
    {
        S3 = new S3StoreSpec
        {
            Bucket = s3.Bucket, Prefix = "prod/xc1", Endpoint = s3.Endpoint.AbsoluteUri, Region = "us-east-1", ForcePathStyle = true,
            CredentialsSecret = new S3CredentialsSecret { Name = secret },
        },
    };

    private static async Task CreateSecretAsync(IKubernetes kube, string name = "s3-creds") =>
        await kube.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = BackupHarness.Ns },
            Data = new Dictionary<string, byte[]>
            {
                [S3CredentialsSecret.DefaultAccessKeyIdKey] = System.Text.Encoding.UTF8.GetBytes(S3Server.AccessKeyId),
                [S3CredentialsSecret.DefaultSecretAccessKeyKey] = System.Text.Encoding.UTF8.GetBytes(S3Server.SecretAccessKey),
            },
        }, BackupHarness.Ns);

    private static async Task CreateBackupAsync(IKubernetes kube, string name, BackupStoreSpec store, params string[] finalizers) =>
        await kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeBackup>(new ExchangeBackup
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = BackupHarness.Ns, Finalizers = finalizers.Length > 0 ? finalizers : null },
            Spec = new ExchangeBackupSpec { ClusterRef = BackupHarness.Cluster, Store = store },
        }, ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeBackup.Plural);

    [Fact]
    public async Task A_backup_into_S3_completes_is_readable_from_the_nodes_location_and_its_finalizer_deletes_it()
    {
        await using var s3 = await S3Server.StartAsync();
        await using var h = await BackupHarness.StartAsync();
        await CreateSecretAsync(h.Kube);
        var spec = Store(s3);
        await CreateBackupAsync(h.Kube, "s3b", spec, ExchangeBackupReconciler.FinalizerName);

        await h.ReconcileAsync("s3b");

        var b = (await h.GetBackupAsync("s3b"))!;
        Assert.True(b.Status!.Phase == BackupPhase.Completed, $"{b.Status.Phase}: {Ready(b).Message}");
        Assert.Equal($"s3://{s3.Bucket}/prod/xc1/s3b", b.Status.Location);
        Assert.Equal(h.Operator.Admin.Snapshot!.File.Length, b.Status.Size);

        // What a restoring node opens: the location string with the credentials from its environment.
        using var opened = Assert.IsType<S3BackupStore>(await h.Stores.OpenAsync(spec, BackupHarness.Ns, CancellationToken.None));
        Assert.Equal(("prod/xc1", true), (opened.Options.Prefix, opened.Options.ForcePathStyle));
        using var fromLocation = new S3BackupStore(S3StoreOptions.FromLocation(BackupStoreLocation.Of(spec), S3Server.AccessKeyId, S3Server.SecretAccessKey));
        var verified = await BackupVerifier.VerifyAsync(fromLocation, "s3b", CancellationToken.None);
        Assert.Equal(b.Status.StateHash, verified.Manifest.StateHash);

        await h.Kube.CustomObjects.DeleteNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeBackup.Plural, "s3b");
        Assert.Equal(ReconcileOutcome.Done, (await h.FinalizeAsync("s3b")).Outcome);
        Assert.Empty(await fromLocation.ListAsync(CancellationToken.None));
        Assert.Null(await h.GetBackupAsync("s3b"));
    }

    [Fact]
    public async Task A_missing_credentials_Secret_or_key_fails_the_backup_with_StoreUnavailable_saying_which()
    {
        await using var s3 = await S3Server.StartAsync();
        await using var h = await BackupHarness.StartAsync();
        await CreateBackupAsync(h.Kube, "nosecret", Store(s3, "absent"));
        await h.ReconcileAsync("nosecret");
        var b = (await h.GetBackupAsync("nosecret"))!;
        Assert.Equal((BackupPhase.Failed, "StoreUnavailable"), (b.Status!.Phase, Ready(b).Reason));
        Assert.Contains("credentials Secret default/absent does not exist", Ready(b).Message, StringComparison.Ordinal);

        await h.Kube.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "half", NamespaceProperty = BackupHarness.Ns },
            Data = new Dictionary<string, byte[]> { ["accessKeyId"] = "AK"u8.ToArray() },
        }, BackupHarness.Ns);
        await CreateBackupAsync(h.Kube, "nokey", Store(s3, "half"));
        await h.ReconcileAsync("nokey");
        Assert.Contains("credentials Secret default/half has no key 'secretAccessKey'", Ready((await h.GetBackupAsync("nokey"))!).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_restores_from_an_S3_backup_with_the_credentials_in_its_pods_by_secretKeyRef()
    {
        await using var s3 = await S3Server.StartAsync();
        await using var h = await BackupHarness.StartAsync();
        await CreateSecretAsync(h.Kube);
        var spec = Store(s3);
        await CreateBackupAsync(h.Kube, "nightly", spec);
        await h.ReconcileAsync("nightly");
        Assert.Equal(BackupPhase.Completed, (await h.GetBackupAsync("nightly"))!.Status!.Phase);

        await h.CreateClusterAsync(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Store = spec, Name = "latest" } }, name: "copy");
        Assert.NotEqual(ReconcileOutcome.Error, (await h.Operator.Reconciler.ReconcileAsync(new ObjectKey(BackupHarness.Ns, "copy"), CancellationToken.None)).Outcome);

        var copy = await h.Kube.CustomObjects.GetNamespacedCustomObjectAsync<ExchangeCluster>(ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeCluster.Plural, "copy");
        Assert.Equal(("nightly", BackupStoreLocation.Of(spec)), (copy.Status!.RestoredFrom!.Backup, copy.Status.RestoredFrom.Location));
        var container = (await h.Kube.AppsV1.ReadNamespacedStatefulSetAsync("copy", BackupHarness.Ns)).Spec.Template.Spec.Containers[0];
        var keyId = Assert.Single(container.Env, e => e.Name == "RAFTEX_S3_ACCESS_KEY_ID");
        Assert.Equal(("s3-creds", "accessKeyId"), (keyId.ValueFrom.SecretKeyRef.Name, keyId.ValueFrom.SecretKeyRef.Key));
        Assert.Contains(container.Env, e => e.Name == "RAFTEX_S3_SECRET_ACCESS_KEY" && e.ValueFrom.SecretKeyRef.Key == "secretAccessKey");
    }
}

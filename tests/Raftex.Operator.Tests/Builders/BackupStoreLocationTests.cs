using System.Text.Json.Nodes;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;
using Raftex.Operator.Builders;

namespace Raftex.Operator.Tests.Builders;

public sealed class BackupStoreLocationTests
{
    [Fact]
    public void A_filesystem_store_is_its_path_mounted_read_only_from_its_claim_or_a_host_path()
    {
        var host = new BackupStoreSpec { Filesystem = new FilesystemStoreSpec { Path = "/var/lib/raftex-backups" } };
        Assert.Equal("/var/lib/raftex-backups", BackupStoreLocation.Of(host));
        Assert.Equal(("/var/lib/raftex-backups", "Directory"), (BackupStoreLocation.Volume(host)!.HostPath.Path, BackupStoreLocation.Volume(host)!.HostPath.Type));
        Assert.Equal(("/var/lib/raftex-backups", true), (BackupStoreLocation.Mount(host)!.MountPath, BackupStoreLocation.Mount(host)!.ReadOnlyProperty));
        Assert.Empty(BackupStoreLocation.Environment(host));

        var claim = new BackupStoreSpec { Filesystem = new FilesystemStoreSpec { Path = "/backups", ClaimName = "backups" } };
        var volume = BackupStoreLocation.Volume(claim)!;
        Assert.Null(volume.HostPath);
        Assert.Equal(("backups", true), (volume.PersistentVolumeClaim.ClaimName, volume.PersistentVolumeClaim.ReadOnlyProperty));
    }

    [Fact]
    public void An_s3_store_is_a_location_with_its_endpoint_region_and_path_style_and_credentials_from_its_secret()
    {
        var s3 = new BackupStoreSpec
        {
            S3 = new S3StoreSpec
            {
                Bucket = "exchange-backups", Prefix = "/prod/xc1/", Endpoint = "http://minio.backup:9000", Region = "eu-west-1", ForcePathStyle = true,
                CredentialsSecret = new S3CredentialsSecret { Name = "s3-creds", SecretAccessKeyKey = "secret" },
            },
        };
        Assert.Equal("s3://exchange-backups/prod/xc1?endpoint=http%3A%2F%2Fminio.backup%3A9000&region=eu-west-1&pathStyle=true", BackupStoreLocation.Of(s3));
        Assert.Null(BackupStoreLocation.Volume(s3));
        Assert.Null(BackupStoreLocation.Mount(s3));
        var env = BackupStoreLocation.Environment(s3);
        Assert.Equal([("RAFTEX_S3_ACCESS_KEY_ID", "s3-creds", "accessKeyId"), ("RAFTEX_S3_SECRET_ACCESS_KEY", "s3-creds", "secret")],
            env.Select(e => (e.Name, e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)));
        Assert.Equal("s3://bkt", BackupStoreLocation.Of(new BackupStoreSpec { S3 = new S3StoreSpec { Bucket = "bkt", CredentialsSecret = new S3CredentialsSecret { Name = "c" } } }));
    }

    [Fact]
    public void A_store_of_no_kind_or_two_is_refused()
    {
        Assert.Equal("a backup store names exactly one of filesystem or s3", Assert.Throws<ArgumentException>(() => BackupStoreLocation.Of(new BackupStoreSpec())).Message);
    }

    [Fact]
    public void Only_a_restored_cluster_gets_the_restore_section_and_the_store_in_its_pods_and_the_template_is_stable()
    {
        var plain = Clusters.Sample();
        var settings = ClusterSettings.From(plain.Spec);
        var identity = new ClusterIdentity("fresh-id", 3);
        Assert.Null(JsonNode.Parse(ConfigMapBuilder.Build(plain, settings, identity).Data[ConfigMapBuilder.NodeConfigKey])!["restore"]);
        var plainTemplate = StatefulSetBuilder.Build(plain, settings, 3, "cfg").Spec.Template;
        Assert.DoesNotContain(plainTemplate.Spec.Volumes, v => v.Name == BackupStoreLocation.VolumeName);

        var s3 = new BackupStoreSpec { S3 = new S3StoreSpec { Bucket = "bkt", Prefix = "xc", CredentialsSecret = new S3CredentialsSecret { Name = "creds" } } };
        var restored = Clusters.Sample();
        restored.Status = new ExchangeClusterStatus { RestoredFrom = new RestoredFrom { Backup = "nightly", Location = BackupStoreLocation.Of(s3), Store = s3, Index = 9, Term = 2, StateHash = "00000000000000ff" } };
        var node = JsonNode.Parse(ConfigMapBuilder.Build(restored, settings, identity).Data[ConfigMapBuilder.NodeConfigKey])!;
        Assert.Equal(("s3://bkt/xc", "nightly"), (node["restore"]!["store"]!.GetValue<string>(), node["restore"]!["backup"]!.GetValue<string>()));
        var sts = StatefulSetBuilder.Build(restored, settings, 3, "cfg");
        var env = sts.Spec.Template.Spec.Containers[0].Env;
        Assert.Equal(("creds", "accessKeyId"), (env.Single(e => e.Name == "RAFTEX_S3_ACCESS_KEY_ID").ValueFrom.SecretKeyRef.Name, env.Single(e => e.Name == "RAFTEX_S3_ACCESS_KEY_ID").ValueFrom.SecretKeyRef.Key));
        Assert.Contains(env, e => e.Name == "RAFTEX_S3_SECRET_ACCESS_KEY");
        Assert.DoesNotContain(sts.Spec.Template.Spec.Volumes, v => v.Name == BackupStoreLocation.VolumeName);

        // The same inputs give the same revision: the store in the template never rolls the pods by itself.
        Assert.Equal(sts.Spec.Template.Metadata.Labels[ChildLabels.Revision], StatefulSetBuilder.Build(restored, settings, 3, "cfg").Spec.Template.Metadata.Labels[ChildLabels.Revision]);
        Assert.NotEqual(plainTemplate.Metadata.Labels[ChildLabels.Revision], sts.Spec.Template.Metadata.Labels[ChildLabels.Revision]);
    }
}

using Raftex.Operator.Api;
using Raftex.Operator.Backups;

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
}

using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.ApiServer;
using Raftex.Operator.Api;
using Raftex.Operator.Crd;

namespace Raftex.Operator.Tests.Crd;

/// <summary>The generated ExchangeBackup CRD and the backup fields of ExchangeCluster, as published and as the embedded API server enforces them.</summary>
public sealed class ExchangeBackupCrdTests
{
    private static readonly V1CustomResourceDefinition Crd = ExchangeBackupCrd.Build();
    private static V1JSONSchemaProps Root => Crd.Spec.Versions.Single().Schema.OpenAPIV3Schema;

    [Fact]
    public void Names_short_name_columns_and_method_are_as_published()
    {
        Assert.Equal("exchangebackups.raftex.io", Crd.Metadata.Name);
        Assert.Equal(["xb"], Crd.Spec.Names.ShortNames);
        Assert.Equal("Namespaced", Crd.Spec.Scope);
        Assert.Equal(["Cluster", "Phase", "Index", "Size", "Age"], Crd.Spec.Versions.Single().AdditionalPrinterColumns.Select(c => c.Name));
        var method = Root.Properties["spec"].Properties["method"];
        Assert.Equal(["Snapshot"], method.EnumProperty);
        Assert.Equal("Snapshot", method.DefaultProperty);
        Assert.Equal(["clusterRef", "store"], Root.Properties["spec"].Required);
        Assert.Equal(["Pending", "Running", "Completed", "Failed"], Root.Properties["status"].Properties["phase"].EnumProperty);
        Assert.Contains(CrdWriter.All(), c => c.Metadata.Name == ExchangeBackupCrd.Name);
    }

    [Fact]
    public void Every_field_is_described()
    {
        var missing = new List<string>();
        Walk(Root, string.Empty);
        Walk(ExchangeClusterCrd.Build().Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["spec"].Properties["backup"], "xc.spec.backup");
        Assert.Empty(missing);

        void Walk(V1JSONSchemaProps schema, string path)
        {
            if (string.IsNullOrWhiteSpace(schema.Description)) { missing.Add(path); }
            foreach (var (name, child) in schema.Properties ?? new Dictionary<string, V1JSONSchemaProps>()) { Walk(child, $"{path}.{name}"); }
            if (schema.Items is V1JSONSchemaProps items) { Walk(items, path + "[]"); }
        }
    }

    [Fact]
    public void An_absent_backup_schedule_stays_absent_while_bootstrap_defaults_to_an_empty_object()
    {
        var spec = ExchangeClusterCrd.Build().Spec.Versions.Single().Schema.OpenAPIV3Schema.Properties["spec"];
        // A {} default for spec.backup would not validate: it requires a schedule and a store.
        Assert.Null(spec.Properties["backup"].DefaultProperty);
        Assert.Equal(["schedule", "store"], spec.Properties["backup"].Required);
    }

    [Fact]
    public async Task The_API_server_refuses_a_store_of_two_kinds_and_a_fromBackup_naming_both_forms()
    {
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var kube = new Kubernetes(new KubernetesClientConfiguration { Host = host.Url.ToString() });
        foreach (var crd in CrdWriter.All())
        {
            await kube.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        }

        var both = new BackupStoreSpec
        {
            Filesystem = new FilesystemStoreSpec { Path = "/backups" },
            S3 = new S3StoreSpec { Bucket = "bkt", CredentialsSecret = new S3CredentialsSecret { Name = "creds" } },
        };
        var backup = new ExchangeBackup { Metadata = new V1ObjectMeta { Name = "two", NamespaceProperty = "default" }, Spec = new ExchangeBackupSpec { ClusterRef = "xc1", Store = both } };
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeBackup>(backup, ExchangeCluster.Group, ExchangeCluster.Version, "default", ExchangeBackup.Plural));
        Assert.Contains("a backup store names exactly one of filesystem or s3", refused.Response.Content, StringComparison.Ordinal);

        var spec = SpecValidatorTests.ValidSpec();
        spec.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Backup = "nightly", Store = new BackupStoreSpec { Filesystem = new FilesystemStoreSpec { Path = "/b" } }, Name = "x" } };
        var cluster = new ExchangeCluster { Metadata = new V1ObjectMeta { Name = "xc2", NamespaceProperty = "default" }, Spec = spec };
        var ambiguous = await Assert.ThrowsAsync<HttpOperationException>(() =>
            kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeCluster>(cluster, ExchangeCluster.Group, ExchangeCluster.Version, "default", ExchangeCluster.Plural));
        Assert.Contains("fromBackup names exactly one of backup or store (with name)", ambiguous.Response.Content, StringComparison.Ordinal);

        // The good one is accepted, with the method defaulted.
        backup.Spec.Store = new BackupStoreSpec { Filesystem = new FilesystemStoreSpec { Path = "/backups" } };
        backup.Spec.Method = null;
        var created = await kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeBackup>(backup, ExchangeCluster.Group, ExchangeCluster.Version, "default", ExchangeBackup.Plural);
        Assert.Equal(BackupMethod.Snapshot, created.Spec.Method);
    }
}

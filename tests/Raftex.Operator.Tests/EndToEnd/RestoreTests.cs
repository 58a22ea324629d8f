using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Raftex.Backup;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;
using Raftex.Operator.Builders;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// spec.bootstrap.fromBackup against the embedded API server: the backup is verified before any StatefulSet exists; a
/// damaged one is refused with a Restored=False condition naming it and the check, and nothing is created; a good one is
/// recorded in status, handed to the nodes in node.json and mounted into the pods.
/// </summary>
public sealed class RestoreTests
{
    private static ClusterCondition Restored(ExchangeCluster c) => Assert.Single(c.Status!.Conditions!, x => x.Type == ClusterRestore.Condition);

    private static async Task<bool> ExistsAsync(Func<Task> read)
    {
        try
        {
            await read();
            return true;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    // A copy of backup src whose snapshot data has one byte flipped: the manifest is intact, the data is not.
    private static void CopyCorrupted(string root, string from, string to)
    {
        var target = Directory.CreateDirectory(Path.Combine(root, to)).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(root, from)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        var data = Path.Combine(target, BackupManifest.DataFile);
        var bytes = File.ReadAllBytes(data);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(data, bytes);
    }

    [Fact]
    public async Task A_corrupt_backup_is_refused_before_any_node_exists_and_fixing_the_spec_restores_from_a_good_one()
    {
        await using var h = await BackupHarness.StartAsync(converge: false);
        var source = await h.WriteBackupAsync("src");
        CopyCorrupted(h.Root.FullName, "src", "bad");
        await h.CreateClusterAsync(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Store = h.Store, Name = "bad" } });

        var refused = await h.Operator.Reconciler.ReconcileAsync(h.Operator.Key, CancellationToken.None);
        Assert.Equal(ReconcileOutcome.Error, refused.Outcome);
        var cluster = await h.Operator.GetAsync();
        var condition = Restored(cluster);
        Assert.Equal(("False", "BackupChecksumMismatch"), (condition.Status, condition.Reason));
        Assert.StartsWith($"backup {new FilesystemBackupStore(h.Root.FullName).LocationOf("bad")}: checksum check failed: SHA-256 of snapshot.snap is ", condition.Message, StringComparison.Ordinal);
        Assert.EndsWith("do not use it; restore from another backup (an older one, or take a new one).", condition.Message, StringComparison.Ordinal);
        Assert.Null(cluster.Status!.RestoredFrom);
        Assert.False(await ExistsAsync(() => h.Kube.AppsV1.ReadNamespacedStatefulSetAsync(BackupHarness.Cluster, BackupHarness.Ns)));
        Assert.False(await ExistsAsync(() => h.Kube.CoreV1.ReadNamespacedConfigMapAsync(ChildNames.ConfigMap(BackupHarness.Cluster), BackupHarness.Ns)));
        Assert.Contains(await h.EventsAsync(BackupHarness.Cluster), e => e.Reason == "RestoreRefused" && e.Type == "Warning");

        // Still refused on the next attempt: nothing is created meanwhile.
        Assert.Equal(ReconcileOutcome.Error, (await h.Operator.Reconciler.ReconcileAsync(h.Operator.Key, CancellationToken.None)).Outcome);
        Assert.False(await ExistsAsync(() => h.Kube.AppsV1.ReadNamespacedStatefulSetAsync(BackupHarness.Cluster, BackupHarness.Ns)));

        // The user names the good backup: verified, recorded, handed to the nodes, and Restored once Available.
        await h.Operator.UpdateSpecAsync(c => c.Spec.Bootstrap!.FromBackup!.Name = "src");
        cluster = await h.Operator.RunUntilAsync(c => OperatorHarness.Converged(c) && ClusterConditions.IsTrue(c.Status?.Conditions, ClusterRestore.Condition));
        var restored = cluster.Status!.RestoredFrom!;
        Assert.Equal(("src", h.Root.FullName), (restored.Backup, restored.Location));
        Assert.Equal((source.Manifest.Index, source.Manifest.Term, source.Manifest.StateHash), (restored.Index, restored.Term, restored.StateHash));
        Assert.Equal("Restored", Restored(cluster).Reason);
        Assert.Contains("src", Restored(cluster).Message, StringComparison.Ordinal);
        // A fresh cluster id: the restored cluster can never be taken for the source.
        Assert.NotEqual(source.Manifest.ClusterId, cluster.Status.ClusterId);

        var config = await h.Kube.CoreV1.ReadNamespacedConfigMapAsync(ChildNames.ConfigMap(BackupHarness.Cluster), BackupHarness.Ns);
        var node = JsonNode.Parse(config.Data[ConfigMapBuilder.NodeConfigKey])!;
        Assert.Equal(h.Root.FullName, node["restore"]!["store"]!.GetValue<string>());
        Assert.Equal("src", node["restore"]!["backup"]!.GetValue<string>());
        Assert.Equal(cluster.Status.ClusterId, node["clusterId"]!.GetValue<string>());

        var pod = (await h.Kube.AppsV1.ReadNamespacedStatefulSetAsync(BackupHarness.Cluster, BackupHarness.Ns)).Spec.Template.Spec;
        var volume = Assert.Single(pod.Volumes, v => v.Name == BackupStoreLocation.VolumeName);
        Assert.Equal(h.Root.FullName, volume.HostPath.Path);
        var mount = Assert.Single(pod.Containers[0].VolumeMounts, m => m.Name == BackupStoreLocation.VolumeName);
        Assert.Equal((h.Root.FullName, true), (mount.MountPath, mount.ReadOnlyProperty));
    }

    [Fact]
    public async Task Restoring_from_an_ExchangeBackup_object_uses_its_store_and_refuses_one_that_is_missing_or_not_Completed()
    {
        await using var h = await BackupHarness.StartAsync();
        await h.CreateBackupAsync("nightly");
        await h.CreateClusterAsync(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Backup = "nightly" } }, name: "copy");
        var key = new ObjectKey(BackupHarness.Ns, "copy");
        async Task<ExchangeCluster> Copy() => await h.Kube.CustomObjects.GetNamespacedCustomObjectAsync<ExchangeCluster>(ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeCluster.Plural, "copy");

        // Not Completed yet.
        Assert.Equal(ReconcileOutcome.Error, (await h.Operator.Reconciler.ReconcileAsync(key, CancellationToken.None)).Outcome);
        Assert.Equal(("False", "BackupNotCompleted"), (Restored(await Copy()).Status, Restored(await Copy()).Reason));
        Assert.False(await ExistsAsync(() => h.Kube.AppsV1.ReadNamespacedStatefulSetAsync("copy", BackupHarness.Ns)));

        await h.ReconcileAsync("nightly");
        var result = await h.Operator.Reconciler.ReconcileAsync(key, CancellationToken.None);
        Assert.NotEqual(ReconcileOutcome.Error, result.Outcome);
        var copy = await Copy();
        Assert.Equal(("nightly", h.Root.FullName, "BackupVerified"), (copy.Status!.RestoredFrom!.Backup, copy.Status.RestoredFrom.Location, Restored(copy).Reason));
        Assert.Equal(1_000, copy.Status.RestoredFrom.Index);
        Assert.True(await ExistsAsync(() => h.Kube.AppsV1.ReadNamespacedStatefulSetAsync("copy", BackupHarness.Ns)));

        // A name that is not there.
        await h.CreateClusterAsync(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Backup = "nope" } }, name: "other");
        Assert.Equal(ReconcileOutcome.Error, (await h.Operator.Reconciler.ReconcileAsync(new ObjectKey(BackupHarness.Ns, "other"), CancellationToken.None)).Outcome);
        var other = await h.Kube.CustomObjects.GetNamespacedCustomObjectAsync<ExchangeCluster>(ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeCluster.Plural, "other");
        Assert.Equal("BackupNotFound", Restored(other).Reason);
        Assert.StartsWith("ExchangeBackup nope not found in namespace default.", Restored(other).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latest_resolves_to_the_backup_with_the_highest_index_and_an_empty_store_is_BackupNotFound()
    {
        await using var h = await BackupHarness.StartAsync(converge: false);
        await h.CreateClusterAsync(s => s.Bootstrap = new BootstrapSpec { FromBackup = new FromBackupSpec { Store = h.Store, Name = BackupName.Latest } });
        Assert.Equal(ReconcileOutcome.Error, (await h.Operator.Reconciler.ReconcileAsync(h.Operator.Key, CancellationToken.None)).Outcome);
        var empty = Restored(await h.Operator.GetAsync());
        Assert.Equal("BackupNotFound", empty.Reason);
        Assert.Contains("the store holds no complete backup", empty.Message, StringComparison.Ordinal);

        await h.WriteBackupAsync("older");
        h.Operator.Admin.Snapshot = Fakes.FakeSnapshot.Build("fake-cluster", index: 5_000, term: 7, voters: [1, 2, 3]);
        await h.WriteBackupAsync("newer");
        Assert.NotEqual(ReconcileOutcome.Error, (await h.Operator.Reconciler.ReconcileAsync(h.Operator.Key, CancellationToken.None)).Outcome);
        var restored = (await h.Operator.GetAsync()).Status!.RestoredFrom!;
        Assert.Equal(("newer", 5_000L, 7L), (restored.Backup, restored.Index, restored.Term));
    }
}

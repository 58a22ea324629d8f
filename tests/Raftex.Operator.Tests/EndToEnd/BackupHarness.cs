using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;
using Raftex.Operator.Tests.Fakes;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// An <see cref="OperatorHarness"/> on a fake clock whose 3-node cluster has converged, the real ExchangeBackup
/// reconciler with the real store factory, a filesystem store in a temporary directory, and fake nodes that stream a
/// real snapshot file (a real exchange state written by a real SnapshotStore) through Admin StreamSnapshot.
/// </summary>
internal sealed class BackupHarness : IAsyncDisposable
{
    public const string Ns = OperatorHarness.Ns;
    public const string Cluster = OperatorHarness.Name;

    private BackupHarness(OperatorHarness h, FakeTimeProvider time)
    {
        Operator = h;
        Time = time;
        Root = Directory.CreateTempSubdirectory("raftex-backups-");
        Stores = new KubernetesBackupStoreFactory(h.Kube);
        Reconciler = new ExchangeBackupReconciler(h.Kube, h.Connector, Stores, time);
    }

    public OperatorHarness Operator { get; }
    public FakeTimeProvider Time { get; }
    public DirectoryInfo Root { get; }
    public KubernetesBackupStoreFactory Stores { get; }
    public ExchangeBackupReconciler Reconciler { get; private set; }
    public IKubernetes Kube => Operator.Kube;
    public BackupStoreSpec Store => new() { Filesystem = new FilesystemStoreSpec { Path = Root.FullName } };

    /// <summary>Converges a 3-node cluster (leader node 1) on a fake clock starting at <paramref name="start"/>; nodes serve a snapshot at index 100, term of the cluster.</summary>
    /// <remarks>With <paramref name="converge"/> false no cluster is created: the nodes serve a snapshot of cluster id "fake-cluster".</remarks>
    public static async Task<BackupHarness> StartAsync(DateTimeOffset? start = null, bool converge = true)
    {
        var time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));
        var h = await OperatorHarness.StartAsync(time: time);
        var b = new BackupHarness(h, time);
        if (converge)
        {
            await h.CreateAsync();
            await h.RunUntilAsync(OperatorHarness.Converged);
        }

        b.ServeSnapshot();
        h.Raft.Calls.Clear();
        return b;
    }

    /// <summary>Writes backup <paramref name="name"/> straight from fake node 2 with <see cref="Raftex.Backup.BackupWriter"/>, as an earlier cluster's operator would have.</summary>
    public async Task<Raftex.Backup.CheckedBackup> WriteBackupAsync(string name)
    {
        var stub = Operator.Connector.StubFor(new ExchangeCluster(), 1);
        return await Raftex.Backup.BackupWriter.WriteAsync(stub.Client, new Raftex.Backup.FilesystemBackupStore(Root.FullName), name, stub.Headers, Time, CancellationToken.None);
    }

    /// <summary>Creates a cluster named <paramref name="name"/> with <paramref name="change"/> applied to the valid 3-node spec (no rounds run).</summary>
    public async Task<ExchangeCluster> CreateClusterAsync(Action<ExchangeClusterSpec> change, string name = Cluster)
    {
        var s = Crd.SpecValidatorTests.ValidSpec();
        change(s);
        var cluster = new ExchangeCluster { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns }, Spec = s };
        return await Kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeCluster>(cluster, ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeCluster.Plural);
    }

    /// <summary>Makes every fake node stream a snapshot of a real exchange state of the cluster's current id.</summary>
    public FakeSnapshot ServeSnapshot()
    {
        var snapshot = FakeSnapshot.Build(Operator.Raft.ClusterId, index: 1_000, term: Math.Max(1, (long)Operator.Raft.Term), voters: [1, 2, 3]);
        Operator.Admin.Snapshot = snapshot;
        return snapshot;
    }

    public void RestartOperator() => Reconciler = new ExchangeBackupReconciler(Operator.Kube, Operator.Connector, Stores, Time);

    public async Task<ExchangeBackup> CreateBackupAsync(string name, string cluster = Cluster, params string[] finalizers)
    {
        var backup = new ExchangeBackup
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Finalizers = finalizers.Length > 0 ? finalizers : null },
            Spec = new ExchangeBackupSpec { ClusterRef = cluster, Store = Store },
        };
        return await Kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeBackup>(backup, ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeBackup.Plural);
    }

    public async Task<ExchangeBackup?> GetBackupAsync(string name)
    {
        try
        {
            return await Kube.CustomObjects.GetNamespacedCustomObjectAsync<ExchangeBackup>(ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeBackup.Plural, name);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<List<ExchangeBackup>> ListBackupsAsync()
    {
        var raw = await Kube.CustomObjects.ListNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeBackup.Plural);
        var items = System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(raw))!["items"]!.AsArray();
        return [.. items.Select(i => KubernetesJson.Deserialize<ExchangeBackup>(i!.ToJsonString())).OrderBy(b => b.Metadata.Name, StringComparer.Ordinal)];
    }

    /// <summary>One reconcile of backup <paramref name="name"/>; the result must not be an error.</summary>
    public async Task<ReconcileResult> ReconcileAsync(string name)
    {
        var result = await Reconciler.ReconcileAsync(new ObjectKey(Ns, name), CancellationToken.None);
        Assert.True(result.Outcome != ReconcileOutcome.Error, $"reconcile of {name} failed: {result.ErrorMessage}");
        return result;
    }

    /// <summary>What the controller runtime does for an object being deleted: run the finalizer, then remove it.</summary>
    public async Task<ReconcileResult> FinalizeAsync(string name)
    {
        var backup = await GetBackupAsync(name) ?? throw new InvalidOperationException($"{name} is gone");
        Assert.NotNull(backup.Metadata.DeletionTimestamp);
        var result = await Reconciler.FinalizeAsync(backup, CancellationToken.None);
        if (result.Outcome == ReconcileOutcome.Done)
        {
            backup.Metadata.Finalizers = backup.Metadata.Finalizers?.Where(f => f != ExchangeBackupReconciler.FinalizerName).ToList();
            await Kube.CustomObjects.ReplaceNamespacedCustomObjectAsync<ExchangeBackup>(backup, ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeBackup.Plural, name);
        }

        return result;
    }

    public async Task<List<Corev1Event>> EventsAsync(string name) =>
        [.. (await Kube.CoreV1.ListNamespacedEventAsync(Ns)).Items.Where(e => e.InvolvedObject.Name == name).OrderBy(e => e.FirstTimestamp ?? e.EventTime)];

    public async ValueTask DisposeAsync()
    {
        await Operator.DisposeAsync();
        Root.Delete(recursive: true);
    }
}

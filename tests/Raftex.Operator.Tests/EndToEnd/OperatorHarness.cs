using k8s;
using k8s.Models;
using Raftex.ApiServer;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Crd;
using Raftex.Operator.Reconciling;
using Raftex.Operator.Tests.Crd;
using Raftex.Operator.Tests.Fakes;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// The embedded API server with the generated CRD installed, a fake Raft cluster behind real gRPC, the
/// shared StatefulSet controller with a kubelet stand-in, and the real reconciler talking to the API server over HTTP through KubernetesClient.
/// Reconciles are driven one round at a time, so every test is deterministic.
/// </summary>
internal sealed class OperatorHarness : IAsyncDisposable
{
    public const string Ns = "default";
    public const string Name = "xc1";

    private OperatorHarness(ApiServerHost host, FakeAdminServer admin, FakeRaftCluster raft, TimeProvider? time)
    {
        Host = host;
        Admin = admin;
        Raft = raft;
        Kube = new Kubernetes(new KubernetesClientConfiguration { Host = host.Url.ToString() });
        Connector = new FakeConnector(admin);
        Reconciler = new ExchangeClusterReconciler(Kube, Connector, time, options: new ReconcilerOptions { VolatileStatusInterval = TimeSpan.Zero });
        Pods = new LocalPlatform(Kube, raft, Ns, Name);
    }

    public ApiServerHost Host { get; }
    public FakeAdminServer Admin { get; }
    public FakeRaftCluster Raft { get; }
    public Kubernetes Kube { get; }
    public FakeConnector Connector { get; }
    public ExchangeClusterReconciler Reconciler { get; }
    public LocalPlatform Pods { get; }
    public ObjectKey Key => new(Ns, Name);

    /// <summary>Starts everything; the fake Raft cluster starts with <paramref name="voters"/> members and no pods; the reconciler reads <paramref name="time"/> (the system clock when null).</summary>
    public static async Task<OperatorHarness> StartAsync(int voters = 3, TimeProvider? time = null)
    {
        var host = await ApiServerHost.StartAsync(new ApiServerOptions());
        var raft = new FakeRaftCluster(voters);
        var admin = await FakeAdminServer.StartAsync(raft);
        var h = new OperatorHarness(host, admin, raft, time);
        foreach (var crd in CrdWriter.All())
        {
            await h.Kube.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        }

        return h;
    }

    public async Task<ExchangeCluster> CreateAsync(int replicas = 3, string image = "raftex/node:1.0")
    {
        var spec = SpecValidatorTests.ValidSpec();
        spec.Replicas = replicas;
        spec.Image = image;
        var cluster = new ExchangeCluster { Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Ns }, Spec = spec };
        return await Kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeCluster>(cluster, ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeCluster.Plural);
    }

    public Task<ExchangeCluster> GetAsync() =>
        Kube.CustomObjects.GetNamespacedCustomObjectAsync<ExchangeCluster>(ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeCluster.Plural, Name);

    public async Task<ExchangeCluster> UpdateSpecAsync(Action<ExchangeCluster> change)
    {
        // A running operator host writes status concurrently, so a read-modify-write can meet a 409: re-read and retry.
        for (var attempt = 1; ; attempt++)
        {
            var cluster = await GetAsync();
            change(cluster);
            try
            {
                return await Kube.CustomObjects.ReplaceNamespacedCustomObjectAsync<ExchangeCluster>(cluster, ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeCluster.Plural, Name);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 20)
            {
            }
        }
    }

    /// <summary>One operator round: reconcile, then let pods and nodes react.</summary>
    public async Task<ReconcileResult> RoundAsync()
    {
        var result = await Reconciler.ReconcileAsync(Key, CancellationToken.None);
        Assert.NotEqual(ReconcileOutcome.Error, result.Outcome);
        await Pods.SyncAsync();
        return result;
    }

    /// <summary>Runs rounds until <paramref name="done"/> holds for the cluster, failing with its status after <paramref name="maxRounds"/>.</summary>
    public async Task<ExchangeCluster> RunUntilAsync(Func<ExchangeCluster, bool> done, int maxRounds = 60)
    {
        for (var i = 0; i < maxRounds; i++)
        {
            await RoundAsync();
            var cluster = await GetAsync();
            if (done(cluster)) { return cluster; }
        }

        var last = await GetAsync();
        throw new Xunit.Sdk.XunitException($"not converged after {maxRounds} rounds; status {KubernetesJson.Serialize(last.Status)}; calls {string.Join(", ", Raft.Calls)}");
    }

    public static bool Converged(ExchangeCluster c) =>
        c.Status?.Phase == ClusterPhase.Running
        && c.Status.Progress is null
        && c.Status.CurrentRevision == c.Status.UpdateRevision
        && c.Status.ReadyReplicas == c.Spec.Replicas
        && ClusterConditions.IsTrue(c.Status.Conditions, ClusterConditions.Available)
        && !ClusterConditions.IsTrue(c.Status.Conditions, ClusterConditions.Progressing);

    public async ValueTask DisposeAsync()
    {
        Connector.Dispose();
        Kube.Dispose();
        await Admin.DisposeAsync();
        await Host.DisposeAsync();
    }
}

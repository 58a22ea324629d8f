using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Operator.Hosting;
using Raftex.Operator.Reconciling;
using Raftex.Operator.Tests.Builders;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>The AgentFleet reconciler against the embedded API server (both CRDs installed), one round at a time.</summary>
public sealed class AgentFleetReconcilerTests
{
    private const string Ns = OperatorHarness.Ns;

    private static async Task CreateClusterAsync(IKubernetes kube)
    {
        var cluster = Fleets.Cluster();
        cluster.Metadata = new V1ObjectMeta { Name = "xc1", NamespaceProperty = Ns };
        await kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeCluster>(cluster, ExchangeCluster.Group, ExchangeCluster.Version, Ns, ExchangeCluster.Plural);
    }

    private static async Task CreateFleetAsync(IKubernetes kube, AgentFleetSpec spec)
    {
        var fleet = new AgentFleet { Metadata = new V1ObjectMeta { Name = "traders", NamespaceProperty = Ns }, Spec = spec };
        await kube.CustomObjects.CreateNamespacedCustomObjectAsync<AgentFleet>(fleet, ExchangeCluster.Group, ExchangeCluster.Version, Ns, AgentFleet.Plural);
    }

    private static Task<AgentFleet> GetFleetAsync(IKubernetes kube) =>
        kube.CustomObjects.GetNamespacedCustomObjectAsync<AgentFleet>(ExchangeCluster.Group, ExchangeCluster.Version, Ns, AgentFleet.Plural, "traders");

    private static async Task UpdateFleetAsync(IKubernetes kube, Action<AgentFleetSpec> change)
    {
        var fleet = await GetFleetAsync(kube);
        change(fleet.Spec);
        await kube.CustomObjects.ReplaceNamespacedCustomObjectAsync<AgentFleet>(fleet, ExchangeCluster.Group, ExchangeCluster.Version, Ns, AgentFleet.Plural, "traders");
    }

    private static async Task<List<V1Deployment>> DeploymentsAsync(IKubernetes kube) =>
        [.. (await kube.AppsV1.ListNamespacedDeploymentAsync(Ns, labelSelector: $"{AgentFleetBuilder.FleetLabel}=traders")).Items.OrderBy(d => d.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>What the Deployment controller and kubelet would report: the slot's pod is ready.</summary>
    private static async Task MarkReadyAsync(IKubernetes kube, string name)
    {
        var d = await kube.AppsV1.ReadNamespacedDeploymentAsync(name, Ns);
        d.Status = new V1DeploymentStatus { Replicas = 1, ReadyReplicas = 1, UpdatedReplicas = 1, AvailableReplicas = 1, ObservedGeneration = d.Metadata.Generation };
        await kube.AppsV1.ReplaceNamespacedDeploymentStatusAsync(d, name, Ns);
    }

    private static async Task ReconcileAsync(AgentFleetReconciler reconciler)
    {
        var result = await reconciler.ReconcileAsync(new Raftex.Controllers.ObjectKey(Ns, "traders"), CancellationToken.None);
        Assert.NotEqual(Raftex.Controllers.ReconcileOutcome.Error, result.Outcome);
    }

    [Fact]
    public async Task A_fleet_gets_a_deployment_per_slot_and_reports_ready_pods_and_agents_running()
    {
        await using var h = await OperatorHarness.StartAsync();
        var reconciler = new AgentFleetReconciler(h.Kube);
        await CreateClusterAsync(h.Kube);
        await CreateFleetAsync(h.Kube, Fleets.Spec(replicas: 2));

        await ReconcileAsync(reconciler);

        var deployments = await DeploymentsAsync(h.Kube);
        Assert.Equal(["traders-0", "traders-1"], deployments.Select(d => d.Metadata.Name));
        var fleet = await GetFleetAsync(h.Kube);
        Assert.All(deployments, d => Assert.Equal(fleet.Metadata.Uid, Assert.Single(d.Metadata.OwnerReferences).Uid));
        var args = deployments[1].Spec.Template.Spec.Containers[0].Args;
        Assert.Equal("xc1.default.svc:7001", args[args.IndexOf("--cluster") + 1]);
        Assert.Equal("41", args[args.IndexOf("--seed") + 1]);
        Assert.Equal(0, fleet.Status!.ReadyReplicas);
        Assert.Equal(0, fleet.Status.AgentsRunning);
        Assert.False(ClusterConditions.IsTrue(fleet.Status.Conditions, ClusterConditions.Available));

        await MarkReadyAsync(h.Kube, "traders-0");
        await ReconcileAsync(reconciler);
        fleet = await GetFleetAsync(h.Kube);
        Assert.Equal((1, 16L, 16), (fleet.Status!.ReadyReplicas, fleet.Status.AgentsRunning, fleet.Status.AgentsPerPod));
        Assert.False(ClusterConditions.IsTrue(fleet.Status.Conditions, ClusterConditions.Available));

        await MarkReadyAsync(h.Kube, "traders-1");
        await ReconcileAsync(reconciler);
        fleet = await GetFleetAsync(h.Kube);
        Assert.Equal((2, 32L), (fleet.Status!.ReadyReplicas, fleet.Status.AgentsRunning));
        Assert.True(ClusterConditions.IsTrue(fleet.Status.Conditions, ClusterConditions.Available));
        Assert.False(ClusterConditions.IsTrue(fleet.Status.Conditions, ClusterConditions.Progressing));
        Assert.Equal(fleet.Metadata.Generation, fleet.Status.ObservedGeneration);
        Assert.Equal("xc1.default.svc:7001", fleet.Status.ClusterAddress);
    }

    [Fact]
    public async Task Scaling_down_deletes_the_surplus_slots_and_a_spec_change_updates_the_rest()
    {
        await using var h = await OperatorHarness.StartAsync();
        var reconciler = new AgentFleetReconciler(h.Kube);
        await CreateClusterAsync(h.Kube);
        await CreateFleetAsync(h.Kube, Fleets.Spec(replicas: 3));
        await ReconcileAsync(reconciler);
        Assert.Equal(3, (await DeploymentsAsync(h.Kube)).Count);
        var before = (await DeploymentsAsync(h.Kube))[0].Metadata.Annotations[AgentFleetBuilder.TemplateHash];

        await UpdateFleetAsync(h.Kube, s =>
        {
            s.Replicas = 1;
            s.OrderRatePerAgent = "7";
        });
        await ReconcileAsync(reconciler);

        var left = Assert.Single(await DeploymentsAsync(h.Kube));
        Assert.Equal("traders-0", left.Metadata.Name);
        Assert.NotEqual(before, left.Metadata.Annotations[AgentFleetBuilder.TemplateHash]);
        var args = left.Spec.Template.Spec.Containers[0].Args;
        Assert.Equal("7", args[args.IndexOf("--rate") + 1]);

        // A converged fleet is not rewritten: another round leaves the Deployment's resourceVersion alone.
        await ReconcileAsync(reconciler);
        Assert.Equal(left.Metadata.ResourceVersion, Assert.Single(await DeploymentsAsync(h.Kube)).Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_missing_cluster_or_an_invalid_spec_is_a_condition_and_creates_nothing()
    {
        await using var h = await OperatorHarness.StartAsync();
        var reconciler = new AgentFleetReconciler(h.Kube);
        var spec = Fleets.Spec();
        spec.Strategies[1].Symbols = ["SOL-USD"];
        await CreateFleetAsync(h.Kube, spec);

        await ReconcileAsync(reconciler);
        var fleet = await GetFleetAsync(h.Kube);
        var degraded = Assert.Single(fleet.Status!.Conditions!, c => c.Type == ClusterConditions.Degraded);
        Assert.Equal(("True", "ClusterNotFound", "ExchangeCluster xc1 not found in namespace default"), (degraded.Status, degraded.Reason, degraded.Message));
        Assert.Empty(await DeploymentsAsync(h.Kube));

        await CreateClusterAsync(h.Kube);
        await ReconcileAsync(reconciler);
        fleet = await GetFleetAsync(h.Kube);
        degraded = Assert.Single(fleet.Status!.Conditions!, c => c.Type == ClusterConditions.Degraded);
        Assert.Equal(("True", "InvalidSpec"), (degraded.Status, degraded.Reason));
        Assert.Equal("spec.strategies[1].symbols: SOL-USD is not a symbol of ExchangeCluster xc1 (it lists BTC-USD, BTC-USDC)", degraded.Message);
        Assert.Empty(await DeploymentsAsync(h.Kube));
    }

    [Fact]
    public async Task The_running_operator_creates_a_fleets_deployments_and_recreates_a_deleted_one()
    {
        await using var h = await OperatorHarness.StartAsync();
        using var stop = new CancellationTokenSource();
        var host = new OperatorHost(h.Kube, h.Connector, new OperatorOptions { Namespace = Ns, LeaderElection = false }, NullLoggerFactory.Instance,
            reconcilerOptions: new ReconcilerOptions { ActivePoll = TimeSpan.FromMilliseconds(50), SteadyPoll = TimeSpan.FromHours(1), VolatileStatusInterval = TimeSpan.Zero });
        var running = host.RunAsync(stop.Token);
        await CreateClusterAsync(h.Kube);
        await CreateFleetAsync(h.Kube, Fleets.Spec(replicas: 2));

        await Poll.UntilAsync(async () => (await DeploymentsAsync(h.Kube)).Count == 2, "the operator to create both Deployments", TimeSpan.FromSeconds(30));
        await h.Kube.AppsV1.DeleteNamespacedDeploymentAsync("traders-1", Ns);
        // The Deployment informer wakes the fleet at once; the steady poll (an hour) would be far too late.
        await Poll.UntilAsync(async () => (await DeploymentsAsync(h.Kube)).Any(d => d.Metadata.Name == "traders-1" && d.Metadata.DeletionTimestamp is null),
            "the deleted Deployment to come back", TimeSpan.FromSeconds(30));

        await stop.CancelAsync();
        await running;
    }
}

using System.Text.Json.Nodes;
using k8s.Models;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;

namespace Raftex.Operator.Tests.Builders;

public sealed class BuilderTests
{
    private static readonly ClusterIdentity Identity = new("c0ffee", 3);

    private static (ExchangeCluster Cluster, ClusterSettings Settings) Sample(int replicas = 3)
    {
        var cluster = Clusters.Sample(replicas);
        return (cluster, ClusterSettings.From(cluster.Spec));
    }

    private static V1StatefulSet Sts(ExchangeCluster cluster, int replicas = 3) =>
        StatefulSetBuilder.Build(cluster, ClusterSettings.From(cluster.Spec), replicas, "cfg1");

    [Fact]
    public void Every_child_is_controlled_by_the_cluster()
    {
        var (cluster, s) = Sample();
        IEnumerable<V1ObjectMeta> metas =
        [
            ConfigMapBuilder.Build(cluster, s, Identity).Metadata,
            ServiceBuilder.Peer(cluster, s).Metadata,
            ServiceBuilder.Client(cluster, s).Metadata,
            Sts(cluster).Metadata,
            DisruptionBudgetBuilder.Build(cluster, 3).Metadata,
        ];
        foreach (var meta in metas)
        {
            var owner = Assert.Single(meta.OwnerReferences);
            Assert.Equal(cluster.Metadata.Uid, owner.Uid);
            Assert.Equal("ExchangeCluster", owner.Kind);
            Assert.Equal("raftex.io/v1alpha1", owner.ApiVersion);
            Assert.True(owner.Controller);
            Assert.Equal("trading", meta.NamespaceProperty);
            Assert.Equal("xc1", meta.Labels["raftex.io/cluster"]);
        }
    }

    [Fact]
    public void A_cluster_without_uid_cannot_own_children()
    {
        var (cluster, s) = Sample();
        cluster.Metadata.Uid = null;
        Assert.Throws<InvalidOperationException>(() => ServiceBuilder.Peer(cluster, s));
    }

    [Fact]
    public void Config_map_carries_cluster_id_bootstrap_members_timings_and_symbols()
    {
        var (cluster, s) = Sample();
        cluster.Spec.Symbols.Add(new SymbolSpec { Name = "ETH-USD", TickSize = "0.05", LotSize = "0.001" });
        var map = ConfigMapBuilder.Build(cluster, ClusterSettings.From(cluster.Spec), new ClusterIdentity("abc123", 3));
        Assert.Equal("xc1-config", map.Metadata.Name);
        var node = JsonNode.Parse(map.Data["node.json"])!;
        Assert.Equal("abc123", node["clusterId"]!.GetValue<string>());
        var bootstrap = node["bootstrapMembers"]!.AsArray();
        Assert.Equal([1UL, 2UL, 3UL], bootstrap.Select(b => b!["nodeId"]!.GetValue<ulong>()));
        Assert.Equal("xc1-0.xc1-peers.trading.svc:7002", bootstrap[0]!["address"]!.GetValue<string>());
        Assert.Equal(100, node["raft"]!["heartbeatIntervalMs"]!.GetValue<int>());
        var symbols = JsonNode.Parse(map.Data["symbols.json"])!.AsArray();
        Assert.Equal(["BTC-USD", "ETH-USD"], symbols.Select(x => x!["name"]!.GetValue<string>()));
        Assert.Equal("ETH", symbols[1]!["base"]!.GetValue<string>());
        Assert.Equal("abc123", ConfigMapBuilder.ClusterIdOf(map));
    }

    [Fact]
    public void Bootstrap_set_stays_the_initial_members_after_scaling()
    {
        var cluster = Clusters.Sample(replicas: 5);
        var map = ConfigMapBuilder.Build(cluster, ClusterSettings.From(cluster.Spec), new ClusterIdentity("abc", 3));
        Assert.Equal(3, JsonNode.Parse(map.Data["node.json"])!["bootstrapMembers"]!.AsArray().Count);
    }

    [Fact]
    public void Peer_service_is_headless_and_publishes_unready_pods()
    {
        var (cluster, s) = Sample();
        var svc = ServiceBuilder.Peer(cluster, s);
        Assert.Equal("xc1-peers", svc.Metadata.Name);
        Assert.Equal("None", svc.Spec.ClusterIP);
        Assert.True(svc.Spec.PublishNotReadyAddresses);
        Assert.Contains(svc.Spec.Ports, p => p.Name == "peer" && p.Port == 7002);
        Assert.Equal(ChildLabels.Selector("xc1"), svc.Spec.Selector);
    }

    [Fact]
    public void Client_service_exposes_grpc_with_the_requested_type()
    {
        var (cluster, _) = Sample();
        cluster.Spec.Service = new ServiceSpec { Type = ServiceExposure.LoadBalancer, Ports = new PortsSpec { Client = 9001 } };
        var svc = ServiceBuilder.Client(cluster, ClusterSettings.From(cluster.Spec));
        Assert.Equal("LoadBalancer", svc.Spec.Type);
        var port = Assert.Single(svc.Spec.Ports);
        Assert.Equal(9001, port.Port);
        Assert.Equal("grpc", port.AppProtocol);
        Assert.Null(svc.Spec.ClusterIP);
    }

    [Fact]
    public void Stateful_set_lets_the_operator_control_every_restart()
    {
        var (cluster, _) = Sample();
        var sts = Sts(cluster, replicas: 2);
        Assert.Equal(2, sts.Spec.Replicas);
        Assert.Equal("OnDelete", sts.Spec.UpdateStrategy.Type);
        Assert.Equal("Parallel", sts.Spec.PodManagementPolicy);
        Assert.Equal("xc1-peers", sts.Spec.ServiceName);
        Assert.Equal(sts.Spec.Selector.MatchLabels, ChildLabels.Selector("xc1"));
        foreach (var (key, value) in sts.Spec.Selector.MatchLabels)
        {
            Assert.Equal(value, sts.Spec.Template.Metadata.Labels[key]);
        }
    }

    [Fact]
    public void Stateful_set_claims_storage_with_the_retention_policy()
    {
        var (cluster, _) = Sample();
        cluster.Spec.Storage = new StorageSpec
        {
            Size = new ResourceQuantity("20Gi"),
            StorageClassName = "fast",
            Retention = new StorageRetention { WhenDeleted = ClaimRetention.Delete },
        };
        var sts = Sts(cluster);
        var claim = Assert.Single(sts.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Equal("20Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("fast", claim.Spec.StorageClassName);
        Assert.Equal("Delete", sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        Assert.Equal("Retain", sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled);
    }

    [Fact]
    public void Node_container_is_probed_hardened_and_has_four_ports()
    {
        var (cluster, _) = Sample();
        var pod = Sts(cluster).Spec.Template.Spec;
        var node = Assert.Single(pod.Containers);
        Assert.Equal("raftex/node:1.0", node.Image);
        Assert.Equal(["client", "peer", "admin", "http"], node.Ports.Select(p => p.Name));
        Assert.Equal([7001, 7002, 7003, 8080], node.Ports.Select(p => p.ContainerPort));
        Assert.Equal("/healthz", node.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", node.ReadinessProbe.HttpGet.Path);
        Assert.Equal("http", node.ReadinessProbe.HttpGet.Port.Value);
        Assert.True(node.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(node.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.Contains(node.VolumeMounts, m => m.Name == "data" && m.MountPath == "/var/lib/raftex");
        Assert.Contains(node.VolumeMounts, m => m.MountPath == "/tmp");
    }

    [Fact]
    public void Pods_prefer_different_nodes()
    {
        var (cluster, _) = Sample();
        var anti = Sts(cluster).Spec.Template.Spec.Affinity.PodAntiAffinity;
        Assert.Null(anti.RequiredDuringSchedulingIgnoredDuringExecution);
        var term = Assert.Single(anti.PreferredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", term.PodAffinityTerm.TopologyKey);
        Assert.Equal(ChildLabels.Selector("xc1"), term.PodAffinityTerm.LabelSelector.MatchLabels);
    }

    [Fact]
    public void Termination_grace_covers_a_leadership_transfer()
    {
        var (cluster, _) = Sample();
        cluster.Spec.Raft = new RaftTimings { ElectionTimeoutMs = 10_000, HeartbeatIntervalMs = 1000 };
        var grace = Sts(cluster).Spec.Template.Spec.TerminationGracePeriodSeconds;
        Assert.True(grace >= 10 * 10, $"grace {grace}s is shorter than ten election timeouts");
        Assert.True(Sts(Clusters.Sample()).Spec.Template.Spec.TerminationGracePeriodSeconds >= 60);
    }

    [Fact]
    public void Resources_are_passed_to_the_container()
    {
        var (cluster, _) = Sample();
        cluster.Spec.Resources = new ComputeResources { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("2Gi") } };
        var node = Sts(cluster).Spec.Template.Spec.Containers[0];
        Assert.Equal("2Gi", node.Resources.Limits["memory"].ToString());
        Assert.Null(node.Resources.Requests);
    }

    [Fact]
    public void Revision_is_stable_and_recorded_on_the_template()
    {
        var a = Sts(Clusters.Sample()).Spec.Template;
        var b = Sts(Clusters.Sample()).Spec.Template;
        Assert.Equal(a.Metadata.Labels[ChildLabels.Revision], b.Metadata.Labels[ChildLabels.Revision]);
        Assert.Equal(a.Metadata.Labels[ChildLabels.Revision], StatefulSetBuilder.RevisionOf(a));
        Assert.Matches("^[0-9a-f]{10}$", a.Metadata.Labels[ChildLabels.Revision]);
    }

    [Fact]
    public void Revision_ignores_replicas_but_follows_image_config_and_restart_annotation()
    {
        var baseline = Sts(Clusters.Sample(), replicas: 3).Spec.Template.Metadata.Labels[ChildLabels.Revision];
        Assert.Equal(baseline, Sts(Clusters.Sample(replicas: 5), replicas: 5).Spec.Template.Metadata.Labels[ChildLabels.Revision]);

        Assert.NotEqual(baseline, Sts(Clusters.Sample(image: "raftex/node:1.1")).Spec.Template.Metadata.Labels[ChildLabels.Revision]);

        var c = Clusters.Sample();
        var otherConfig = StatefulSetBuilder.Build(c, ClusterSettings.From(c.Spec), 3, "cfg2").Spec.Template.Metadata.Labels[ChildLabels.Revision];
        Assert.NotEqual(baseline, otherConfig);

        var restarted = Clusters.Sample();
        restarted.Metadata.Annotations = new Dictionary<string, string> { [ChildLabels.RestartedAt] = "2026-11-25T21:00:00Z" };
        var restartedSts = Sts(restarted);
        Assert.NotEqual(baseline, restartedSts.Spec.Template.Metadata.Labels[ChildLabels.Revision]);
        Assert.Equal("2026-11-25T21:00:00Z", restartedSts.Spec.Template.Metadata.Annotations[ChildLabels.RestartedAt]);
    }

    [Fact]
    public void Config_hash_changes_with_symbols_only()
    {
        var (cluster, s) = Sample();
        var before = ConfigMapBuilder.DataHash(ConfigMapBuilder.Build(cluster, s, Identity));
        Assert.Equal(before, ConfigMapBuilder.DataHash(ConfigMapBuilder.Build(cluster, s, Identity)));
        cluster.Spec.Symbols[0].TickSize = "0.5";
        Assert.NotEqual(before, ConfigMapBuilder.DataHash(ConfigMapBuilder.Build(cluster, ClusterSettings.From(cluster.Spec), Identity)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    [InlineData(9, 5)]
    public void Disruption_budget_keeps_a_voter_quorum(int voters, int minAvailable)
    {
        var pdb = DisruptionBudgetBuilder.Build(Clusters.Sample(), voters);
        Assert.Equal(minAvailable, pdb.Spec.MinAvailable.ToInt());
        Assert.Equal(ChildLabels.Selector("xc1"), pdb.Spec.Selector.MatchLabels);
        Assert.Equal("policy/v1", pdb.ApiVersion);
    }

    [Theory]
    [InlineData("xc1-0", 0)]
    [InlineData("xc1-12", 12)]
    [InlineData("xc10-1", null)]
    [InlineData("xc1-", null)]
    [InlineData("xc1-a", null)]
    public void Pod_ordinals_parse_only_for_the_clusters_own_pods(string pod, int? ordinal)
    {
        Assert.Equal(ordinal, ChildNames.OrdinalOf("xc1", pod));
    }

    [Fact]
    public void Node_id_is_ordinal_plus_one()
    {
        Assert.Equal(1UL, ChildNames.NodeId(0));
        Assert.Equal(4, ChildNames.Ordinal(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChildNames.Ordinal(0));
    }
}

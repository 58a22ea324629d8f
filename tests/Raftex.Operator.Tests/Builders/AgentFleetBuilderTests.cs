using Raftex.Agents;
using Raftex.Agents.Strategies;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;

namespace Raftex.Operator.Tests.Builders;

public sealed class AgentFleetBuilderTests
{
    private static List<string> Args(int slot, AgentFleet? fleet = null) =>
        [.. AgentFleetBuilder.Deployment(fleet ?? Fleets.Sample(), Fleets.Cluster(), slot).Spec.Template.Spec.Containers[0].Args];

    private static string After(IReadOnlyList<string> args, string option) => args[args.ToList().IndexOf(option) + 1];

    [Fact]
    public void One_deployment_of_one_pod_per_slot_owned_by_the_fleet_and_never_two_pods_of_a_slot_at_once()
    {
        var deployments = AgentFleetBuilder.Build(Fleets.Sample(), Fleets.Cluster());

        Assert.Equal(["traders-0", "traders-1"], deployments.Select(d => d.Metadata.Name));
        Assert.All(deployments, d =>
        {
            Assert.Equal(1, d.Spec.Replicas);
            Assert.Equal("Recreate", d.Spec.Strategy.Type);
            Assert.Equal("trading", d.Metadata.NamespaceProperty);
            var owner = Assert.Single(d.Metadata.OwnerReferences);
            Assert.Equal(("AgentFleet", "traders", true), (owner.Kind, owner.Name, owner.Controller == true));
            Assert.All(d.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, d.Spec.Template.Metadata.Labels[l.Key]));
        });
        Assert.Equal(["0", "1"], deployments.Select(d => d.Spec.Selector.MatchLabels[AgentFleetBuilder.SlotLabel]));
    }

    [Fact]
    public void Arguments_carry_the_spec_and_the_clusters_client_service()
    {
        var args = Args(0);

        Assert.Equal("xc1.trading.svc:7001", After(args, "--cluster"));
        Assert.Equal("BTC-USD,BTC-USDC", After(args, "--symbols"));
        Assert.Equal(
            ["market-maker=2:size=2,spread=30", "noise=10", "momentum=3:symbols=BTC-USD,fast=4,slow=30", "arbitrage=1:symbols=BTC-USD/BTC-USDC"],
            args.Select((a, i) => (a, i)).Where(p => p.a == "--strategy").Select(p => args[p.i + 1]));
        Assert.Equal("2.5", After(args, "--rate"));
        Assert.Equal("BTC=500,USD=1000000", After(args, "--funds"));
        Assert.Equal("90s", After(args, "--duration"));
        Assert.Contains("--linger", args);
        Assert.Equal("$(RAFTEX_POD_IP)", After(args, "--metrics-address"));
        Assert.Equal("9464", After(args, "--metrics-port"));
    }

    [Fact]
    public void Each_slot_gets_its_own_seed_and_a_range_of_accounts_no_other_slot_touches()
    {
        var fleet = Fleets.Sample(Fleets.Spec(replicas: 3));
        var perPod = AgentFleetBuilder.AgentsPerPod(fleet.Spec);
        Assert.Equal(16, perPod);

        var slots = Enumerable.Range(0, 3).Select(s => Args(s, fleet)).ToList();

        Assert.Equal(["40", "41", "42"], slots.Select(a => After(a, "--seed")));
        var ranges = slots.Select(a => long.Parse(After(a, "--account-base"), System.Globalization.CultureInfo.InvariantCulture)).Select(b => (First: b, Last: b + perPod - 1)).ToList();
        Assert.Equal([(5_000L, 5_015L), (5_016L, 5_031L), (5_032L, 5_047L)], ranges);
    }

    [Fact]
    public void The_arguments_are_accepted_by_the_agents_own_parser_as_the_spec_meant_them()
    {
        var container = AgentFleetBuilder.Deployment(Fleets.Sample(), Fleets.Cluster(), 1).Spec.Template.Spec.Containers[0];
        Assert.Equal("status.podIP", container.Env.Single(e => e.Name == AgentFleetBuilder.PodIpVariable).ValueFrom.FieldRef.FieldPath);
        // The kubelet expands $(VAR) in the arguments from the container's env, here the pod's IP from the field above.
        var expanded = container.Args.Select(a => a.Replace($"$({AgentFleetBuilder.PodIpVariable})", "10.0.3.7", StringComparison.Ordinal)).ToList();
        var options = AgentOptions.Parse(expanded, _ => null);

        Assert.Equal(["xc1.trading.svc:7001"], options.Cluster);
        Assert.Equal([(StrategyKind.MarketMaker, 2), (StrategyKind.Noise, 10), (StrategyKind.Momentum, 3), (StrategyKind.Arbitrage, 1)], options.Strategies.Select(s => (s.Kind, s.Count)));
        Assert.Equal("30", options.Strategies[0].Parameters["spread"]);
        Assert.Equal(("BTC-USD", "BTC-USDC"), options.ArbitragePair(options.Strategies[3]));
        Assert.Equal(41, options.Seed);
        Assert.Equal(5_016UL, options.AccountBase);
        Assert.Equal(2.5, options.Rate);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Duration);
        Assert.True(options.Linger);
        Assert.Equal(500, options.FundsOf("BTC", isQuote: false));
        Assert.Equal(100_000, options.Prices["BTC-USDC"]);
        Assert.Equal(System.Net.IPAddress.Parse("10.0.3.7"), options.MetricsAddress);
    }

    [Fact]
    public void The_image_defaults_to_the_agents_image_and_a_spec_change_changes_the_template_hash()
    {
        var plain = AgentFleetBuilder.Deployment(Fleets.Sample(), Fleets.Cluster(), 0);
        Assert.Equal("raftex/agents:1.0", plain.Spec.Template.Spec.Containers[0].Image);

        var spec = Fleets.Spec();
        spec.Image = "registry.example/agents:2";
        var custom = AgentFleetBuilder.Deployment(Fleets.Sample(spec), Fleets.Cluster(), 0);
        Assert.Equal("registry.example/agents:2", custom.Spec.Template.Spec.Containers[0].Image);

        var hash = AgentFleetBuilder.TemplateHash;
        Assert.NotEqual(plain.Metadata.Annotations[hash], custom.Metadata.Annotations[hash]);
        Assert.Equal(plain.Metadata.Annotations[hash], AgentFleetBuilder.Deployment(Fleets.Sample(), Fleets.Cluster(), 0).Metadata.Annotations[hash]);
    }

    [Fact]
    public void The_pod_is_ready_only_while_its_agents_trade_and_runs_unprivileged()
    {
        var pod = AgentFleetBuilder.Deployment(Fleets.Sample(), Fleets.Cluster(), 0).Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
    }
}

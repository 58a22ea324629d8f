using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Tests.Builders;

/// <summary>AgentFleet objects for builder and reconciler tests: all four strategies on the sample cluster xc1.</summary>
internal static class Fleets
{
    public static AgentFleetSpec Spec(int replicas = 2) => new()
    {
        ClusterRef = "xc1",
        Replicas = replicas,
        OrderRatePerAgent = "2.5",
        Seed = 40,
        AccountBase = 5_000,
        StartingFunds = new Dictionary<string, long> { ["USD"] = 1_000_000, ["BTC"] = 500 },
        StartingPrices = new Dictionary<string, long> { ["BTC-USDC"] = 100_000 },
        Duration = "90s",
        Strategies =
        [
            new AgentStrategySpec { Type = AgentStrategyType.MarketMaker, Count = 2, Parameters = new Dictionary<string, long> { ["spread"] = 30, ["size"] = 2 } },
            new AgentStrategySpec { Type = AgentStrategyType.Noise, Count = 10 },
            new AgentStrategySpec { Type = AgentStrategyType.Momentum, Count = 3, Symbols = ["BTC-USD"], Parameters = new Dictionary<string, long> { ["slow"] = 30, ["fast"] = 4 } },
            new AgentStrategySpec { Type = AgentStrategyType.Arbitrage, Count = 1, Symbols = ["BTC-USD", "BTC-USDC"] },
        ],
    };

    public static AgentFleet Sample(AgentFleetSpec? spec = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "traders", NamespaceProperty = "trading", Uid = "6d1b2c7e-0000-4000-8000-0000000000af", Generation = 1 },
        Spec = spec ?? Spec(),
    };

    /// <summary>The sample cluster with a second symbol quoting BTC, for the arbitrageurs.</summary>
    public static ExchangeCluster Cluster()
    {
        var cluster = Clusters.Sample();
        cluster.Spec.Symbols.Add(new SymbolSpec { Name = "BTC-USDC", TickSize = "0.01", LotSize = "0.0001" });
        return cluster;
    }
}

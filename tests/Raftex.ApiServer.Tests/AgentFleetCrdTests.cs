using System.Text.Json.Nodes;

namespace Raftex.ApiServer.Tests;

/// <summary>The operator's generated AgentFleet CRD and the example fleet, served by this server, through kubectl.</summary>
public sealed class AgentFleetCrdTests
{
    [Fact]
    public async Task The_example_fleet_applies_and_lists_under_its_short_name_with_its_columns()
    {
        await using var s = await TestServer.StartAsync();
        using var kubectl = new Kubectl(s.Host);
        await kubectl.OkAsync("apply", "-f", ExchangeClusterCrdTests.RepoFile("crds/agentfleets.raftex.io.yaml"));
        await kubectl.OkAsync("apply", "-f", ExchangeClusterCrdTests.RepoFile("examples/agentfleet.yaml"));

        var fleet = JsonNode.Parse(await kubectl.OkAsync("get", "af", "traders", "-o", "json"))!;
        var strategies = fleet["spec"]!["strategies"]!.AsArray();
        Assert.Equal(["MarketMaker", "Noise", "Momentum", "Arbitrage"], strategies.Select(x => (string?)x!["type"]));
        Assert.Equal(1_000_000, (long?)fleet["spec"]!["accountBase"]);
        Assert.Equal("raftex/agents:1.0", (string?)fleet["spec"]!["image"]);

        var table = (await kubectl.OkAsync("get", "agentfleets")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "CLUSTER", "PODS", "READY", "AGENTS", "AGE"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("traders", table[1], StringComparison.Ordinal);
        Assert.Contains("xc1", table[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fleet_with_an_unknown_strategy_type_or_no_strategies_is_refused_by_the_schema()
    {
        await using var s = await TestServer.StartAsync();
        using var kubectl = new Kubectl(s.Host);
        await kubectl.OkAsync("apply", "-f", ExchangeClusterCrdTests.RepoFile("crds/agentfleets.raftex.io.yaml"));

        var (unknownCode, _, unknown) = await kubectl.RunAsync("apply", "-f", kubectl.Write("bad.yaml", """
            apiVersion: raftex.io/v1alpha1
            kind: AgentFleet
            metadata: {name: bad}
            spec:
              clusterRef: xc1
              strategies: [{type: Scalper, count: 1}]
            """));
        Assert.NotEqual(0, unknownCode);
        Assert.Contains("Scalper", unknown, StringComparison.Ordinal);

        var (emptyCode, _, empty) = await kubectl.RunAsync("apply", "-f", kubectl.Write("empty.yaml", """
            apiVersion: raftex.io/v1alpha1
            kind: AgentFleet
            metadata: {name: empty}
            spec:
              clusterRef: xc1
              strategies: []
            """));
        Assert.NotEqual(0, emptyCode);
        Assert.Contains("strategies", empty, StringComparison.Ordinal);
    }
}

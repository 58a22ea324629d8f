namespace Raftex.Node.Tests;

/// <summary>The node started as the operator's StatefulSet starts it: --config node.json --symbols symbols.json.</summary>
public sealed class PodConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("raftex-podconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(int bootstrapMembers = 3)
    {
        var members = string.Join(",", Enumerable.Range(0, bootstrapMembers).Select(o =>
            $$"""{"nodeId": {{o + 1}}, "address": "xc-{{o}}.xc-peers.trading.svc:7102"}"""));
        var path = Path.Combine(_dir, "node.json");
        File.WriteAllText(path, $$"""
            {"clusterId": "c-42", "groupId": 0, "bootstrapMembers": [{{members}}], "peerService": "xc-peers", "namespace": "trading",
             "dataDir": "/var/lib/raftex", "raft": {"heartbeatIntervalMs": 50, "electionTimeoutMs": 500, "snapshotThreshold": 5000 },
             "ports": {"client": 7101, "peer": 7102, "admin": 7103, "http": 8180} }
            """);
        return path;
    }

    private static NodeOptions Parse(string[] args, Dictionary<string, string> env) =>
        NodeOptions.Parse(args, name => env.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void A_bootstrap_member_takes_identity_peers_timings_and_ports_from_the_operator_config()
    {
        var options = Parse(["--config", Config()], new() { ["RAFTEX_POD_NAME"] = "xc-1", ["RAFTEX_POD_IP"] = "10.1.2.3" });

        Assert.Equal(2, options.NodeId);
        Assert.Equal("c-42", options.ClusterId);
        Assert.True(options.Bootstrap);
        Assert.False(options.Join);
        Assert.Equal(new Dictionary<long, string> { [1] = "xc-0.xc-peers.trading.svc:7102", [3] = "xc-2.xc-peers.trading.svc:7102" }, options.Peers);
        Assert.Equal("/var/lib/raftex", options.DataDir);
        Assert.Equal((50, 500, 5000L), (options.HeartbeatMs, options.ElectionMs, options.SnapshotThreshold));
        Assert.Equal("10.1.2.3:7101", options.ClientListen.ToString());
        Assert.Equal("10.1.2.3:8180", options.HttpListen.ToString());
        Assert.Equal("xc-1.xc-peers.trading.svc:7102", options.PeerAddress);
        Assert.Equal("xc-1.xc-peers.trading.svc:7101", options.ClientAddress);
    }

    [Fact]
    public void A_pod_beyond_the_bootstrap_members_joins_and_options_still_win_over_the_config()
    {
        var options = Parse(["--config", Config(bootstrapMembers: 3), "--election-ms", "900"], new() { ["HOSTNAME"] = "xc-4", ["RAFTEX_DATA_DIR"] = "/data" });

        Assert.Equal(5, options.NodeId);
        Assert.True(options.Join);
        Assert.False(options.Bootstrap);
        Assert.Empty(options.Peers);
        Assert.Equal(900, options.ElectionMs);
        Assert.Equal("/data", options.DataDir);
        Assert.Equal("0.0.0.0:7103", options.AdminListen.ToString());
    }

    [Fact]
    public void A_config_without_a_pod_name_or_with_a_garbled_body_is_refused_with_the_reason()
    {
        var missingName = Assert.Throws<ArgumentException>(() => Parse(["--config", Config()], []));
        Assert.Contains("pod name is unknown", missingName.Message, StringComparison.Ordinal);

        var garbled = Path.Combine(_dir, "bad.json");
        File.WriteAllText(garbled, "{\"clusterId\": ");
        var bad = Assert.Throws<ArgumentException>(() => Parse(["--config", garbled], new() { ["HOSTNAME"] = "xc-0" }));
        Assert.Contains("not valid JSON", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operator_symbols_json_declares_assets_and_instruments_in_order()
    {
        var path = Path.Combine(_dir, "symbols.json");
        File.WriteAllText(path, """
            [{"name": "BTC-USD", "base": "BTC", "quote": "USD", "tickSize": "0.01", "lotSize": "0.0001"},
             {"name": "ETH-USD", "base": "ETH", "quote": "USD", "tickSize": "0.01", "lotSize": "0.001"}]
            """);

        var config = SymbolsFile.LoadJson(path);

        Assert.Equal(["BTC", "USD", "ETH"], config.Assets);
        Assert.Equal(["BTC-USD", "ETH-USD"], config.Instruments.Select(i => i.Symbol));
        Assert.Equal((2, 1), (config.Instruments[1].BaseAsset, config.Instruments[1].QuoteAsset));
    }
}

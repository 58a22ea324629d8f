using System.Globalization;
using System.Text.Json;
using Raftex.Cluster.Tests;
using Raftex.Protocol.V1;

namespace Raftex.Agents.Tests;

/// <summary>The raftex-agents process, all four strategies, against three real raftex-node processes on loopback.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FleetClusterTests
{
    private const long UsdFunds = 1_000_000_000;
    private const long BtcFunds = 50_000;

    private static readonly string AgentsBinary = Path.Combine(
        Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(NodeBinary.Path)))))!,
        "Raftex.Agents", "bin", new DirectoryInfo(Path.GetDirectoryName(Path.GetDirectoryName(NodeBinary.Path))!).Name, "net10.0", "raftex-agents.dll");

    [Fact]
    public async Task All_four_strategies_trade_and_the_summary_matches_the_clusters_own_counts()
    {
        using var cluster = new TestCluster(3);
        var symbolsFile = Path.Combine(Path.GetTempPath(), $"raftex-agents-symbols-{Guid.NewGuid():N}");
        // BTC-USDC quotes the same asset as BTC-USD, for the arbitrageurs.
        await File.WriteAllTextAsync(symbolsFile, """
            asset BTC
            asset ETH
            asset USD
            asset USDC
            instrument BTC-USD BTC USD 1 1 1 1000000 100000 500
            instrument ETH-USD ETH USD 1 1 1 1000000 10000 500
            instrument BTC-USDC BTC USDC 1 1 1 1000000 100000 500
            """);
        try
        {
            cluster.ExtraArgs.AddRange(["--symbols-file", symbolsFile]);
            cluster.Bootstrap(3);
            await cluster.WaitForLeaderAsync();
            var metricsPort = LoopbackPorts.Reserve();
            var summaryFile = symbolsFile + ".json";
            var addresses = string.Join(',', cluster.ClientOptions().Addresses);
            using var agents = NodeProcess.Start(AgentsBinary, 
            [
                "--cluster", addresses, "--seed", "42", "--rate", "5", "--duration", "6s", "--progress", "plain",
                "--symbols", "BTC-USD,ETH-USD,BTC-USDC", "--prices", "BTC-USD=100000,ETH-USD=10000,BTC-USDC=100000",
                "--funds", $"USD={UsdFunds},USDC={UsdFunds},BTC={BtcFunds},ETH={BtcFunds}",
                "--strategy", "market-maker=4:symbols=BTC-USD/BTC-USDC/ETH-USD,spread=10",
                "--strategy", "noise=24",
                "--strategy", "momentum=6:symbols=BTC-USD,fast=2,slow=5",
                "--strategy", "arbitrage=3:symbols=BTC-USD/BTC-USDC,thresholdBp=1",
                "--metrics-port", metricsPort.ToString(CultureInfo.InvariantCulture), "--metrics-address", "127.0.0.1",
                "--summary", summaryFile,
            ]);

            // While it trades, /metrics shows the orders by outcome and the latency histogram in second buckets.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
            string metrics = string.Empty;
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
                }
                catch (HttpRequestException)
                {
                    return false;
                }

                return metrics.Contains("raftex_agents_orders_total{", StringComparison.Ordinal) && metrics.Contains("raftex_agents_pnl_quote_units{", StringComparison.Ordinal);
            }, "the agents' /metrics to show orders and PnL", TestCluster.Converge);
            Assert.Contains("raftex_agents_order_latency_seconds_bucket{", metrics, StringComparison.Ordinal);
            Assert.Contains("le=\"0.001\"", metrics, StringComparison.Ordinal);
            Assert.Contains("raftex_agents_inventory_lots{", metrics, StringComparison.Ordinal);

            Assert.True(agents.WaitForExit(TestCluster.Converge), "raftex-agents did not exit after its duration:\n" + agents.Output);
            Assert.True(agents.ExitCode == 0, $"exit code {agents.ExitCode}:\n{agents.Output}");
            Assert.Contains("trading", agents.Output, StringComparison.Ordinal);
            var summary = JsonSerializer.Deserialize<RunSummary>(await File.ReadAllTextAsync(summaryFile), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!;

            // Every strategy acted, and trades happened.
            Assert.Equal(["market-maker", "noise", "momentum", "arbitrage"], summary.Strategies.Select(s => s.Strategy));
            Assert.All(summary.Strategies, s => Assert.True(s.Orders > 0, $"{s.Strategy} sent no order"));
            Assert.True(summary.Trades > 0, "no trade");
            Assert.True(summary.Strategies.Single(s => s.Strategy == "market-maker").MakerFills > 0, "no maker fill for the market makers");
            Assert.Equal(0, summary.Errors);

            // Every counterparty is one of the run's agents: each trade is two fills, PnL sums to zero, inventory nets out.
            Assert.Equal(2 * summary.Trades, summary.Fills);
            Assert.Equal(0, summary.Strategies.Sum(s => s.Pnl));
            foreach (var symbol in new[] { "BTC-USD", "ETH-USD", "BTC-USDC" })
            {
                Assert.Equal(0, summary.Strategies.Sum(s => s.Inventory.GetValueOrDefault(symbol)));
            }

            // The cluster's own counts: every node applied exactly the summary's trades and commands, plus one deposit per account and asset.
            await cluster.WaitForConvergenceAsync();
            foreach (var id in new long[] { 1, 2, 3 })
            {
                var node = await NodeMetricsAsync(cluster, id);
                Assert.Equal(summary.Trades, node.GetValueOrDefault("raftex_trades_total"));
                Assert.Equal(summary.Orders, node.GetValueOrDefault("accepted") + node.GetValueOrDefault("rejected") + node.GetValueOrDefault("cancelled") + node.GetValueOrDefault("replaced"));
                Assert.Equal(summary.Agents * 4, node.GetValueOrDefault("deposited"));
            }

            // Balances: conserved per asset, and each strategy's BTC and ETH moved exactly by the inventory it reports.
            var exchange = cluster.ExchangeAt(1);
            var totals = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var s in summary.Strategies)
            {
                var held = new Dictionary<string, long>(StringComparer.Ordinal);
                for (var account = s.FirstAccount; account <= s.LastAccount; account++)
                {
                    var a = await exchange.GetAccountAsync(new GetAccountRequest { Account = account });
                    foreach (var b in a.Balances)
                    {
                        held[b.Asset] = held.GetValueOrDefault(b.Asset) + b.Free + b.Reserved;
                        totals[b.Asset] = totals.GetValueOrDefault(b.Asset) + b.Free + b.Reserved;
                    }
                }

                Assert.Equal((s.Agents * BtcFunds) + s.Inventory.GetValueOrDefault("BTC-USD") + s.Inventory.GetValueOrDefault("BTC-USDC"), held["BTC"]);
                Assert.Equal((s.Agents * BtcFunds) + s.Inventory.GetValueOrDefault("ETH-USD"), held["ETH"]);
            }

            Assert.Equal(summary.Agents * UsdFunds, totals["USD"]);
            Assert.Equal(summary.Agents * UsdFunds, totals["USDC"]);
            Assert.Equal(summary.Agents * BtcFunds, totals["BTC"]);
            Assert.Equal(summary.Agents * BtcFunds, totals["ETH"]);

            // Cancel on exit: nothing of the agents rests.
            foreach (var symbol in new[] { "BTC-USD", "ETH-USD", "BTC-USDC" })
            {
                var book = await exchange.GetOrderBookAsync(new GetOrderBookRequest { Symbol = symbol });
                Assert.Empty(book.Bids);
                Assert.Empty(book.Asks);
            }
        }
        finally
        {
            File.Delete(symbolsFile);
        }
    }

    [Fact]
    public void Bad_arguments_exit_with_code_2_and_a_precise_message()
    {
        using var agents = NodeProcess.Start(AgentsBinary, ["--cluster", "127.0.0.1:1", "--strategy", "noise=5:offset=0"]);

        Assert.True(agents.WaitForExit(TestCluster.Converge));
        Assert.Equal(2, agents.ExitCode);
        Assert.Contains("raftex-agents: noise parameter offset=0: expected an integer in [1, 1000000]", agents.Output, StringComparison.Ordinal);
    }

    /// <summary>The node's trade counter and its applied-command counts by outcome, from its /metrics.</summary>
    private static async Task<Dictionary<string, long>> NodeMetricsAsync(TestCluster cluster, long id)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{cluster.Slot(id).HttpPort}/metrics"));
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            long Value() => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            if (line.StartsWith("raftex_trades_total", StringComparison.Ordinal))
            {
                values["raftex_trades_total"] = Value();
            }
            else if (line.StartsWith("raftex_commands_applied_total{", StringComparison.Ordinal))
            {
                var outcome = line[(line.IndexOf("outcome=\"", StringComparison.Ordinal) + 9)..];
                values[outcome[..outcome.IndexOf('"', StringComparison.Ordinal)]] = Value();
            }
        }

        return values;
    }
}

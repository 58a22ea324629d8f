using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Raftex.ApiServer;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Chart.Tests;

/// <summary>
/// Every metric the Grafana dashboard and the alert rules read exists on the /metrics of a real raftex-node (after some
/// orders, so counters with labels and histograms have appeared) or of a real raftex-operator (after a reconcile).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class MonitoringMetricsTests
{
    private const int HeartbeatMs = 50;
    private const int ElectionMs = 500;

    // Election, a few commits and the first reconcile take a handful of election timeouts; this is generous for a busy machine.
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(ElectionMs * 120);

    [Fact]
    public async Task Every_metric_of_the_dashboard_and_the_alerts_is_exported_by_a_running_node_or_operator()
    {
        var used = UsedMetrics();
        Assert.Contains("raftex_role", used.Keys);
        Assert.Contains("raftex_operator_reconciles_total", used.Keys);

        var exported = new SortedSet<string>(StringComparer.Ordinal);
        exported.UnionWith(await ScrapeNodeAsync());
        exported.UnionWith(await ScrapeOperatorAsync());

        var missing = used.Where(u => !exported.Contains(u.Key)).Select(u => $"{u.Key} (used by {string.Join(", ", u.Value)})").ToList();
        Assert.True(missing.Count == 0, $"not exported by a node or the operator:\n  {string.Join("\n  ", missing)}\nexported: {string.Join(", ", exported)}");
    }

    /// <summary>Metric name → where it is used, from the rendered PrometheusRule and the dashboard the chart ships.</summary>
    private static SortedDictionary<string, SortedSet<string>> UsedMetrics()
    {
        var used = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Use(string expr, string where)
        {
            foreach (var name in PromQl.MetricNames(expr))
            {
                (used.TryGetValue(name, out var set) ? set : used[name] = new SortedSet<string>(StringComparer.Ordinal)).Add(where);
            }
        }

        var rendered = Manifests.Load(Helm.Template(ChartRenderTests.AllOn));
        foreach (var rule in Assert.Single(rendered.OfType<PrometheusRule>()).Spec.Groups.SelectMany(g => g.Rules))
        {
            Use(rule.Expr, "alert " + rule.Alert);
        }

        var dashboard = JsonNode.Parse(Assert.Single(rendered.OfType<V1ConfigMap>()).Data["raftex.json"])!;
        foreach (var panel in dashboard["panels"]!.AsArray())
        {
            foreach (var target in panel!["targets"]!.AsArray())
            {
                Use((string)target!["expr"]!, $"panel '{panel["title"]}'");
            }
        }

        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            if (variable!["query"] is JsonObject query)
            {
                Use((string)query["query"]!, $"variable {variable["name"]}");
            }
        }

        return used;
    }

    private static async Task<IEnumerable<string>> ScrapeNodeAsync()
    {
        string Port() => LoopbackPorts.Reserve().ToString(CultureInfo.InvariantCulture);
        var (client, peer, admin, http) = (Port(), Port(), Port(), Port());
        var data = Directory.CreateTempSubdirectory("raftex-chart-node-");
        var node = Path.Combine(Repo.Root, "node", "Raftex.Node", "bin", Repo.Configuration, "net10.0", "raftex-node.dll");
        using var process = ChildProcess.StartDll(node,
            "--node-id", "1", "--cluster-id", "chart", "--bootstrap",
            "--client-listen", $"127.0.0.1:{client}", "--peer-listen", $"127.0.0.1:{peer}",
            "--admin-listen", $"127.0.0.1:{admin}", "--http-listen", $"127.0.0.1:{http}",
            "--data-dir", data.FullName, "--heartbeat-ms", HeartbeatMs.ToString(CultureInfo.InvariantCulture),
            "--election-ms", ElectionMs.ToString(CultureInfo.InvariantCulture), "--checkpoint-interval", "4");
        try
        {
            using var web = new HttpClient();
            await UntilAsync(process, async () => (await web.GetAsync(new Uri($"http://127.0.0.1:{http}/readyz"))).IsSuccessStatusCode, "the node to be ready");

            // Traffic, so that the labelled counters and the histograms exist: deposits, then a buy that meets a sell.
            using var exchange = new ExchangeClient(new ExchangeClientOptions
            {
                Addresses = [$"127.0.0.1:{client}"],
                AttemptTimeout = TimeSpan.FromMilliseconds(ElectionMs * 4),
                RetryBudget = Deadline,
            });
            Assert.Equal(Outcome.Deposited, (await exchange.DepositAsync(new TransferRequest { Account = 1, TransactionId = 1, Asset = "USD", Amount = 1_000_000_000 })).Outcome);
            Assert.Equal(Outcome.Deposited, (await exchange.DepositAsync(new TransferRequest { Account = 2, TransactionId = 1, Asset = "BTC", Amount = 1_000_000 })).Outcome);
            Assert.Equal(Outcome.Accepted, (await exchange.SubmitOrderAsync(Order(2, OrderSide.Sell))).Outcome);
            var buy = await exchange.SubmitOrderAsync(Order(1, OrderSide.Buy));
            Assert.Equal(Outcome.Accepted, buy.Outcome);
            Assert.NotEmpty(buy.Fills);

            var names = new HashSet<string>(StringComparer.Ordinal);
            await UntilAsync(process, async () =>
            {
                names = SeriesNames(await web.GetStringAsync(new Uri($"http://127.0.0.1:{http}/metrics")));
                return names.Contains("raftex_trades_total") && names.Contains("raftex_order_latency_seconds_bucket");
            }, "the node's /metrics to show the trade");
            return names;
        }
        finally
        {
            process.Dispose();
            data.Delete(recursive: true);
        }
    }

    private static SubmitOrderRequest Order(ulong account, OrderSide side) => new()
    {
        Account = account,
        ClientOrderId = 10,
        Symbol = "BTC-USD",
        Side = side,
        Kind = OrderKind.Limit,
        TimeInForce = TimeInForce.Gtc,
        Price = 100_000,
        Quantity = 2,
    };

    private static async Task<IEnumerable<string>> ScrapeOperatorAsync()
    {
        await using var api = await ApiServerHost.StartAsync(new ApiServerOptions { Port = LoopbackPorts.Reserve() });
        using var kube = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() });
        foreach (var crd in Manifests.GeneratedCrds())
        {
            await kube.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        }

        var example = YamlJson.Documents(File.ReadAllText(Repo.At("examples", "exchangecluster.yaml"))).Single();
        await kube.CustomObjects.CreateNamespacedCustomObjectAsync(example, "raftex.io", "v1alpha1", "default", "exchangeclusters");

        var dir = Directory.CreateTempSubdirectory("raftex-chart-operator-");
        var port = LoopbackPorts.Reserve().ToString(CultureInfo.InvariantCulture);
        using var process = ChildProcess.StartDll(Path.Combine(AppContext.BaseDirectory, "raftex-operator.dll"), "run",
            "--kubeconfig", api.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig")), "--all-namespaces",
            "--lease-namespace", "default", "--metrics-port", port, "--metrics-address", "127.0.0.1");
        try
        {
            using var web = new HttpClient();
            var names = new HashSet<string>(StringComparer.Ordinal);
            await UntilAsync(process, async () =>
            {
                try
                {
                    names = SeriesNames(await web.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")));
                }
                catch (HttpRequestException)
                {
                    return false;
                }

                return names.Contains("raftex_operator_reconciles_total") && names.Contains("raftex_operator_reconcile_duration_seconds_bucket");
            }, "the operator's /metrics to count a reconcile");
            return names;
        }
        finally
        {
            process.Dispose();
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The series names of a Prometheus text exposition (comment lines skipped).</summary>
    private static HashSet<string> SeriesNames(string exposition) =>
        [.. exposition.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l[..l.IndexOfAny(['{', ' '])])];

    private static async Task UntilAsync(ChildProcess process, Func<Task<bool>> condition, string what)
    {
        var failure = await Record.ExceptionAsync(() => Poll.UntilAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"the process exited before {what}:\n{process.Output}");
                try
                {
                    return await condition();
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            what,
            Deadline));
        Assert.True(failure is null, $"{failure?.Message}\noutput:\n{process.Output}");
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Raftex.Chart.Tests;

/// <summary>
/// The chart's PromQL through promtool (Prometheus' own parser and rule evaluator, fetched by tools/promtool.sh): the
/// alert rules parse and behave as alert-rules.test.yaml says on synthetic series, and every dashboard query parses.
/// </summary>
public sealed partial class AlertRuleTests
{
    private static readonly Lazy<string> Promtool = new(() => Tool.Fetch("promtool.sh"));

    [Fact]
    public void The_alerts_fire_on_the_clusters_that_need_them_and_only_those()
    {
        var (code, output, error) = InTemp(dir =>
        {
            File.Copy(Repo.At("tests", "Raftex.Chart.Tests", "alert-rules.test.yaml"), Path.Combine(dir, "alert-rules.test.yaml"));
            WriteRules(dir, RulesSpec(Helm.Render("monitoring:\n  prometheusRule:\n    enabled: true\n")));
            return Tool.Run(Promtool.Value, ["test", "rules", "alert-rules.test.yaml"], dir);
        });
        Assert.True(code == 0, $"promtool test rules failed ({code}):\n{output}\n{error}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rendered_alert_rules_pass_promtool_check_with_every_option_on()
    {
        var (code, output, error) = InTemp(dir =>
        {
            WriteRules(dir, RulesSpec(Helm.Template(ChartRenderTests.AllOn)));
            return Tool.Run(Promtool.Value, ["check", "rules", "rules.yaml"], dir);
        });
        Assert.True(code == 0, $"promtool check rules failed ({code}):\n{output}\n{error}");
        Assert.Contains("SUCCESS: 6 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_dashboard_query_parses_as_promql()
    {
        var dashboard = JsonNode.Parse(Assert.Single(Manifests.OfKind<V1ConfigMap>(Helm.Template(ChartRenderTests.AllOn))).Data["raftex.json"])!;
        var rules = new JsonArray();
        foreach (var panel in dashboard["panels"]!.AsArray())
        {
            foreach (var target in panel!["targets"]!.AsArray())
            {
                // Grafana's variables become what Grafana puts there: a range for $__rate_interval, a regex for the selectors.
                var expr = GrafanaRange().Replace((string)target!["expr"]!, "5m");
                expr = GrafanaVariable().Replace(expr, ".*");
                rules.Add(new JsonObject { ["record"] = $"dashboard:panel{panel["id"]}_{target["refId"]}", ["expr"] = expr });
            }
        }

        var spec = new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = "dashboard", ["rules"] = rules }) };
        var (code, output, error) = InTemp(dir =>
        {
            WriteRules(dir, spec);
            return Tool.Run(Promtool.Value, ["check", "rules", "rules.yaml"], dir);
        });
        Assert.True(code == 0, $"a dashboard query does not parse ({code}):\n{output}\n{error}");
        Assert.Contains($"SUCCESS: {rules.Count} rules found", output, StringComparison.Ordinal);
    }

    /// <summary>The spec of the one PrometheusRule in <paramref name="yaml"/>: a Prometheus rules file as it stands.</summary>
    private static JsonObject RulesSpec(string yaml) =>
        YamlJson.Documents(yaml).Single(d => (string?)d["kind"] == "PrometheusRule")["spec"]!.AsObject();

    // JSON is YAML, so the rules file is written as JSON.
    private static void WriteRules(string dir, JsonObject spec) =>
        File.WriteAllText(Path.Combine(dir, "rules.yaml"), spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    private static T InTemp<T>(Func<string, T> body)
    {
        var dir = Directory.CreateTempSubdirectory("raftex-promtool-");
        try
        {
            return body(dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"\$__\w+")]
    private static partial Regex GrafanaRange();

    [GeneratedRegex(@"\$\w+")]
    private static partial Regex GrafanaVariable();
}

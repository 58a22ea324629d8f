using System.Globalization;
using System.Text.RegularExpressions;

namespace Raftex.Cluster.Tests;

/// <summary>A node's Prometheus metrics, read from its HTTP plane.</summary>
internal static class Scrape
{
    public static async Task<string?> MetricsAsync(TestCluster cluster, long id)
    {
        using var http = new HttpClient();
        try
        {
            return await http.GetStringAsync(new Uri($"http://{cluster.Slot(id).ListenIp}:{cluster.Slot(id).HttpPort}/metrics")).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Not listening yet (a node restarting): the caller polls again.
            return null;
        }
    }

    /// <summary>The value of the series <paramref name="name"/> whose labels include <paramref name="label"/> (any labels when null); null if absent.</summary>
    public static double? Value(string metrics, string name, string? label = null)
    {
        foreach (Match m in Regex.Matches(metrics, $@"(?m)^{Regex.Escape(name)}(\{{(?<labels>[^}}]*)\}})? (?<value>\S+)"))
        {
            if (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Polls until <paramref name="name"/> is exported by node <paramref name="id"/> and satisfies <paramref name="condition"/>; returns its value.</summary>
    public static async Task<double> UntilAsync(TestCluster cluster, long id, string name, Func<double, bool> condition, string what, string? label = null)
    {
        var found = await cluster.UntilAsync(
            async () => await MetricsAsync(cluster, id).ConfigureAwait(false) is { } text && Value(text, name, label) is { } v ? new[] { v } : null,
            v => condition(v[0]),
            what).ConfigureAwait(false);
        return found[0];
    }
}

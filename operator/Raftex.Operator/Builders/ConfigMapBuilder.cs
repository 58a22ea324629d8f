using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Builders;

/// <summary>Builds the ConfigMap every node reads at start: identity, bootstrap set, Raft timings, ports and symbols.</summary>
public static class ConfigMapBuilder
{
    /// <summary>Key of the node configuration document.</summary>
    public const string NodeConfigKey = "node.json";
    /// <summary>Key of the symbols document.</summary>
    public const string SymbolsKey = "symbols.json";
    /// <summary>Where the ConfigMap is mounted in the node container.</summary>
    public const string MountPath = "/etc/raftex";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The ConfigMap for <paramref name="cluster"/>; <paramref name="identity"/> must come from status (set once at bootstrap).</summary>
    public static V1ConfigMap Build(ExchangeCluster cluster, ClusterSettings settings, ClusterIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(identity);
        var name = cluster.Metadata.Name;
        var ns = cluster.Metadata.NamespaceProperty;

        var bootstrap = new JsonArray();
        for (var ordinal = 0; ordinal < identity.InitialMembers; ordinal++)
        {
            bootstrap.Add(new JsonObject
            {
                ["nodeId"] = ChildNames.NodeId(ordinal),
                ["address"] = $"{ChildNames.PodHost(name, ns, ordinal)}:{settings.PeerPort}",
            });
        }

        var node = new JsonObject
        {
            ["clusterId"] = identity.ClusterId,
            ["groupId"] = 0,
            // Only pods whose node id is in this list bootstrap; any other pod starts empty and waits to be added as a learner.
            ["bootstrapMembers"] = bootstrap,
            ["peerService"] = ChildNames.PeerService(name),
            ["namespace"] = ns,
            ["dataDir"] = StatefulSetBuilder.DataMountPath,
            ["raft"] = new JsonObject
            {
                ["heartbeatIntervalMs"] = settings.HeartbeatIntervalMs,
                ["electionTimeoutMs"] = settings.ElectionTimeoutMs,
                ["snapshotThreshold"] = settings.SnapshotThreshold,
            },
            ["ports"] = new JsonObject
            {
                ["client"] = settings.ClientPort,
                ["peer"] = settings.PeerPort,
                ["admin"] = settings.AdminPort,
                ["http"] = settings.HttpPort,
            },
        };

        // A restored cluster: every bootstrap member with an empty data directory starts from this backup's snapshot.
        if (cluster.Status?.RestoredFrom is { Location: { } store, Backup: { } backup })
        {
            node["restore"] = new JsonObject { ["store"] = store, ["backup"] = backup };
        }

        var symbols = new JsonArray();
        foreach (var symbol in settings.Symbols.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var dash = symbol.Name.IndexOf('-', StringComparison.Ordinal);
            symbols.Add(new JsonObject
            {
                ["name"] = symbol.Name,
                ["base"] = dash > 0 ? symbol.Name[..dash] : symbol.Name,
                ["quote"] = dash > 0 ? symbol.Name[(dash + 1)..] : string.Empty,
                ["tickSize"] = symbol.TickSize,
                ["lotSize"] = symbol.LotSize,
            });
        }

        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Ownership.ChildMeta(cluster, ChildNames.ConfigMap(name)),
            Data = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                [NodeConfigKey] = node.ToJsonString(Indented) + "\n",
                [SymbolsKey] = symbols.ToJsonString(Indented) + "\n",
            },
        };
    }

    /// <summary>The cluster id recorded in a ConfigMap, or null when it has none.</summary>
    public static string? ClusterIdOf(V1ConfigMap? configMap)
    {
        if (configMap?.Data is null || !configMap.Data.TryGetValue(NodeConfigKey, out var text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text)?["clusterId"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Hash of the ConfigMap data: goes into the pod template so a config change rolls the pods.</summary>
    public static string DataHash(V1ConfigMap configMap)
    {
        ArgumentNullException.ThrowIfNull(configMap);
        return CanonicalHash.Of(configMap.Data ?? new Dictionary<string, string>());
    }

}

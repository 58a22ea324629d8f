namespace Raftex.Operator.Builders;

/// <summary>Labels and annotations the operator puts on the objects it owns.</summary>
public static class ChildLabels
{
    /// <summary>Pod template revision (hash) a pod was created from.</summary>
    public const string Revision = "raftex.io/revision";
    /// <summary>Cluster the object belongs to.</summary>
    public const string Cluster = "raftex.io/cluster";
    /// <summary>On the ExchangeCluster: changing it restarts every pod (copied into the pod template).</summary>
    public const string RestartedAt = "raftex.io/restartedAt";
    /// <summary>On the ExchangeCluster, Supervised strategy: the update revision whose leader restart is approved.</summary>
    public const string ApproveLeaderRestart = "raftex.io/approve-leader-restart";
    /// <summary>Hash of the ConfigMap data, on the pod template, so a config change rolls the pods.</summary>
    public const string ConfigHash = "raftex.io/config-hash";

    /// <summary>The labels that select a cluster's pods (stable: the StatefulSet selector cannot change).</summary>
    public static SortedDictionary<string, string> Selector(string cluster) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/instance"] = cluster,
        ["app.kubernetes.io/name"] = "raftex-node",
        [Cluster] = cluster,
    };

    /// <summary>Selector labels plus the informational ones.</summary>
    public static SortedDictionary<string, string> Common(string cluster)
    {
        var labels = Selector(cluster);
        labels["app.kubernetes.io/component"] = "exchange-node";
        labels["app.kubernetes.io/managed-by"] = "raftex-operator";
        labels["app.kubernetes.io/part-of"] = "raftex";
        return labels;
    }

    /// <summary>The selector as a label-selector string, for status.selector (scale subresource).</summary>
    public static string SelectorString(string cluster) =>
        string.Join(",", Selector(cluster).Select(p => $"{p.Key}={p.Value}"));
}

namespace Raftex.Operator.Builders;

/// <summary>Names of the objects an ExchangeCluster owns, and the mapping pod ordinal ⇄ Raft node id.</summary>
public static class ChildNames
{
    /// <summary>The StatefulSet, client Service and PodDisruptionBudget share the cluster's name.</summary>
    public static string StatefulSet(string cluster) => cluster;

    /// <summary>Client (gRPC) Service.</summary>
    public static string ClientService(string cluster) => cluster;

    /// <summary>Headless Service giving every pod a stable peer DNS name.</summary>
    public static string PeerService(string cluster) => cluster + "-peers";

    /// <summary>ConfigMap with node config and symbols.</summary>
    public static string ConfigMap(string cluster) => cluster + "-config";

    /// <summary>PodDisruptionBudget keeping a voter quorum.</summary>
    public static string DisruptionBudget(string cluster) => cluster;

    /// <summary>Pod name of an ordinal, as the StatefulSet names it.</summary>
    public static string Pod(string cluster, int ordinal) => $"{cluster}-{ordinal}";

    /// <summary>Raft node id of an ordinal: ordinal + 1, because 0 means "no node".</summary>
    public static ulong NodeId(int ordinal) => (ulong)ordinal + 1;

    /// <summary>Pod ordinal of a Raft node id.</summary>
    public static int Ordinal(ulong nodeId) => nodeId == 0
        ? throw new ArgumentOutOfRangeException(nameof(nodeId), "Node id 0 means no node.")
        : checked((int)(nodeId - 1));

    /// <summary>Ordinal parsed from a pod name of this cluster, or null when the name is not one of its pods.</summary>
    public static int? OrdinalOf(string cluster, string podName)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(podName);
        var prefix = cluster + "-";
        return podName.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(podName.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : null;
    }

    /// <summary>DNS name of a pod behind the headless Service.</summary>
    public static string PodHost(string cluster, string ns, int ordinal) => $"{Pod(cluster, ordinal)}.{PeerService(cluster)}.{ns}.svc";
}

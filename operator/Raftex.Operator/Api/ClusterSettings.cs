using k8s.Models;

namespace Raftex.Operator.Api;

/// <summary>An ExchangeCluster spec with every default applied, so builders and planners never see a null.</summary>
public sealed record ClusterSettings(
    int Replicas,
    string Image,
    IReadOnlyList<SymbolSpec> Symbols,
    IReadOnlyDictionary<string, ResourceQuantity> Requests,
    IReadOnlyDictionary<string, ResourceQuantity> Limits,
    ResourceQuantity StorageSize,
    string? StorageClassName,
    ClaimRetention WhenDeleted,
    ClaimRetention WhenScaled,
    int HeartbeatIntervalMs,
    int ElectionTimeoutMs,
    long SnapshotThreshold,
    ServiceExposure ServiceType,
    int ClientPort,
    int PeerPort,
    int AdminPort,
    int HttpPort,
    UpdateStrategyType Strategy,
    long MaxLagEntries,
    int PodReadinessTimeoutSeconds)
{
    /// <summary>Default values, the same as the CRD schema's defaults.</summary>
    public const int DefaultReplicas = 3;

    /// <summary>Applies the schema defaults to <paramref name="spec"/> (the API server does too; this covers objects built in code).</summary>
    public static ClusterSettings From(ExchangeClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ports = spec.Service?.Ports;
        return new ClusterSettings(
            Replicas: spec.Replicas ?? DefaultReplicas,
            Image: spec.Image,
            Symbols: spec.Symbols?.ToList() ?? [],
            Requests: Copy(spec.Resources?.Requests),
            Limits: Copy(spec.Resources?.Limits),
            StorageSize: spec.Storage?.Size ?? new ResourceQuantity("1Gi"),
            StorageClassName: spec.Storage?.StorageClassName,
            WhenDeleted: spec.Storage?.Retention?.WhenDeleted ?? ClaimRetention.Retain,
            WhenScaled: spec.Storage?.Retention?.WhenScaled ?? ClaimRetention.Retain,
            HeartbeatIntervalMs: spec.Raft?.HeartbeatIntervalMs ?? 100,
            ElectionTimeoutMs: spec.Raft?.ElectionTimeoutMs ?? 1000,
            SnapshotThreshold: spec.Raft?.SnapshotThreshold ?? 100_000,
            ServiceType: spec.Service?.Type ?? ServiceExposure.ClusterIP,
            ClientPort: ports?.Client ?? 7001,
            PeerPort: ports?.Peer ?? 7002,
            AdminPort: ports?.Admin ?? 7003,
            HttpPort: ports?.Http ?? 8080,
            Strategy: spec.UpdateStrategy?.Type ?? UpdateStrategyType.RaftAware,
            MaxLagEntries: spec.UpdateStrategy?.MaxLagEntries ?? 64,
            PodReadinessTimeoutSeconds: spec.PodReadinessTimeoutSeconds ?? 600);
    }

    /// <summary>How long a restarted or new pod may take to become ready and caught up.</summary>
    public TimeSpan PodReadinessTimeout => TimeSpan.FromSeconds(PodReadinessTimeoutSeconds);

    private static SortedDictionary<string, ResourceQuantity> Copy(IDictionary<string, ResourceQuantity>? source) =>
        source is null ? new(StringComparer.Ordinal) : new(source, StringComparer.Ordinal);
}

using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>The one-word summary of an ExchangeCluster's state.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClusterPhase>))]
public enum ClusterPhase
{
    /// <summary>Children created, waiting for the first leader.</summary>
    Creating,
    /// <summary>A leader with a quorum; nothing in progress.</summary>
    Running,
    /// <summary>A rolling restart is in progress.</summary>
    Updating,
    /// <summary>A membership change (scale or member replacement) is in progress.</summary>
    Scaling,
    /// <summary>An operation stopped because a pod did not become ready and caught up in time.</summary>
    Degraded,
    /// <summary>The spec is invalid or the cluster cannot be reconciled.</summary>
    Failed,
}

using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Raftex.Operator.Api;

/// <summary>The AgentFleet custom resource (raftex.io/v1alpha1): trading agents aimed at an ExchangeCluster.</summary>
public sealed class AgentFleet : IKubernetesObject<V1ObjectMeta>, ISpec<AgentFleetSpec>, IStatus<AgentFleetStatus?>
{
    /// <summary>AgentFleet</summary>
    public const string KindName = "AgentFleet";
    /// <summary>agentfleets</summary>
    public const string Plural = "agentfleets";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{ExchangeCluster.Group}/{ExchangeCluster.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public AgentFleetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public AgentFleetStatus? Status { get; set; }
}

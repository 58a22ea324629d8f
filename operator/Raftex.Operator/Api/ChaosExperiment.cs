using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Raftex.Chaos;

namespace Raftex.Operator.Api;

/// <summary>
/// The ChaosExperiment custom resource (raftex.io/v1alpha1). Its spec and status types live in Raftex.Chaos, because
/// raftex-chaos reads the same spec without Kubernetes.
/// </summary>
public sealed class ChaosExperiment : IKubernetesObject<V1ObjectMeta>, ISpec<ChaosExperimentSpec>, IStatus<ChaosExperimentStatus?>
{
    /// <summary>ChaosExperiment</summary>
    public const string KindName = "ChaosExperiment";
    /// <summary>chaosexperiments</summary>
    public const string Plural = "chaosexperiments";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{ExchangeCluster.Group}/{ExchangeCluster.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ChaosExperimentSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ChaosExperimentStatus? Status { get; set; }
}

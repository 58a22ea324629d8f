using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Raftex.Operator.Api;

/// <summary>The ExchangeCluster custom resource (raftex.io/v1alpha1).</summary>
public sealed class ExchangeCluster : IKubernetesObject<V1ObjectMeta>, ISpec<ExchangeClusterSpec>, IStatus<ExchangeClusterStatus?>
{
    /// <summary>raftex.io</summary>
    public const string Group = "raftex.io";
    /// <summary>v1alpha1</summary>
    public const string Version = "v1alpha1";
    /// <summary>ExchangeCluster</summary>
    public const string KindName = "ExchangeCluster";
    /// <summary>exchangeclusters</summary>
    public const string Plural = "exchangeclusters";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Group}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ExchangeClusterSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ExchangeClusterStatus? Status { get; set; }
}

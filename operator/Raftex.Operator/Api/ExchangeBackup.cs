using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Raftex.Operator.Api;

/// <summary>The ExchangeBackup custom resource (raftex.io/v1alpha1): one backup of an ExchangeCluster's state.</summary>
public sealed class ExchangeBackup : IKubernetesObject<V1ObjectMeta>, ISpec<ExchangeBackupSpec>, IStatus<ExchangeBackupStatus?>
{
    /// <summary>ExchangeBackup</summary>
    public const string KindName = "ExchangeBackup";
    /// <summary>exchangebackups</summary>
    public const string Plural = "exchangebackups";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{ExchangeCluster.Group}/{ExchangeCluster.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ExchangeBackupSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ExchangeBackupStatus? Status { get; set; }
}

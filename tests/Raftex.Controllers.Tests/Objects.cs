using k8s.Models;

namespace Raftex.Controllers.Tests;

/// <summary>Small object builders for tests.</summary>
internal static class Objects
{
    public static V1ConfigMap ConfigMap(string name, string rv, string ns = "default", string? value = null, V1OwnerReference? owner = null, IDictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            ResourceVersion = rv,
            Uid = $"uid-{ns}-{name}",
            OwnerReferences = owner is null ? null : [owner],
            Labels = labels,
        },
        Data = value is null ? null : new Dictionary<string, string> { ["value"] = value },
    };

    public static V1Deployment Deployment(string name, string rv, long generation, int? readyReplicas = null, string ns = "default") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            ResourceVersion = rv,
            Generation = generation,
            Uid = $"uid-{ns}-{name}",
        },
        Spec = new V1DeploymentSpec { Replicas = 1, Selector = new V1LabelSelector() },
        Status = readyReplicas is null ? null : new V1DeploymentStatus { ReadyReplicas = readyReplicas },
    };

    public static V1Deployment Clone(V1Deployment d) => k8s.KubernetesJson.Deserialize<V1Deployment>(k8s.KubernetesJson.Serialize(d));
}

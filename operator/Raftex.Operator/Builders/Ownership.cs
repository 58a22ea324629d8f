using k8s;
using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Builders;

/// <summary>Owner references that make an ExchangeCluster the controller of its children (garbage collected with it).</summary>
public static class Ownership
{
    /// <summary>The controller owner reference pointing at <paramref name="owner"/> (an ExchangeCluster or an AgentFleet).</summary>
    public static V1OwnerReference ControllerOf(IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new V1OwnerReference
        {
            ApiVersion = owner.ApiVersion,
            Kind = owner.Kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid ?? throw new InvalidOperationException($"{owner.Kind} {owner.Metadata.Name} has no uid yet; children need a persisted owner."),
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>Metadata for a child: name, namespace, labels and the owner reference.</summary>
    public static V1ObjectMeta ChildMeta(ExchangeCluster cluster, string name)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = cluster.Metadata.NamespaceProperty,
            Labels = ChildLabels.Common(cluster.Metadata.Name),
            OwnerReferences = [ControllerOf(cluster)],
        };
    }
}

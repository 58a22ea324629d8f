using k8s.Models;
using Raftex.Operator.Api;
using static Raftex.Operator.Crd.CrdDefinition;

namespace Raftex.Operator.Crd;

/// <summary>The ExchangeCluster CustomResourceDefinition, generated from the C# types.</summary>
public static class ExchangeClusterCrd
{
    /// <summary>exchangeclusters.raftex.io</summary>
    public const string Name = $"{ExchangeCluster.Plural}.{ExchangeCluster.Group}";

    /// <summary>The complete definition: schema, printer columns, status and scale subresources.</summary>
    public static V1CustomResourceDefinition Build() => Namespaced(
        ExchangeCluster.KindName, ExchangeCluster.Plural, "xc",
        "An order-matching exchange replicated by Raft over a set of nodes, reconciled by the Raftex operator.",
        typeof(ExchangeClusterSpec), typeof(ExchangeClusterStatus),
        [
            Column("Replicas", "integer", ".spec.replicas", "Desired number of Raft nodes"),
            Column("Ready", "integer", ".status.readyReplicas", "Ready pods"),
            Column("Leader", "string", ".status.leader.pod", "Pod of the current Raft leader"),
            Column("Term", "integer", ".status.term", "Current Raft term"),
            Column("Phase", "string", ".status.phase", "Creating, Running, Updating, Scaling, Degraded or Failed"),
            Column("Age", "date", ".metadata.creationTimestamp", "Time since creation"),
        ],
        new V1CustomResourceSubresourceScale
        {
            SpecReplicasPath = ".spec.replicas",
            StatusReplicasPath = ".status.replicas",
            LabelSelectorPath = ".status.selector",
        });
}

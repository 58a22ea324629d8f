using k8s.Models;
using Raftex.Operator.Api;
using static Raftex.Operator.Crd.CrdDefinition;

namespace Raftex.Operator.Crd;

/// <summary>The AgentFleet CustomResourceDefinition, generated from the C# types.</summary>
public static class AgentFleetCrd
{
    /// <summary>agentfleets.raftex.io</summary>
    public const string Name = $"{AgentFleet.Plural}.{ExchangeCluster.Group}";

    /// <summary>The complete definition: schema, printer columns and the status subresource.</summary>
    public static V1CustomResourceDefinition Build() => Namespaced(
        AgentFleet.KindName, AgentFleet.Plural, "af",
        "A fleet of trading agents (market makers, momentum, noise, arbitrage) trading on an ExchangeCluster, reconciled by the Raftex operator.",
        typeof(AgentFleetSpec), typeof(AgentFleetStatus),
        [
            Column("Cluster", "string", ".spec.clusterRef", "ExchangeCluster the agents trade on"),
            Column("Pods", "integer", ".spec.replicas", "Desired agent pods"),
            Column("Ready", "integer", ".status.readyReplicas", "Agent pods ready and trading"),
            Column("Agents", "integer", ".status.agentsRunning", "Agents trading now"),
            Column("Age", "date", ".metadata.creationTimestamp", "Time since creation"),
        ]);
}

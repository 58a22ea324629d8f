using System.ComponentModel;

namespace Raftex.Operator.Api;

/// <summary>Observed state of an AgentFleet.</summary>
[Description("Observed state, written by the operator.")]
public sealed record AgentFleetStatus
{
    [Description("Agent pods that exist.")]
    public int? Replicas { get; init; }

    [Description("Agent pods that are ready (trading).")]
    public int? ReadyReplicas { get; init; }

    [Description("Agents in each pod.")]
    public int? AgentsPerPod { get; init; }

    [Description("Agents trading now: ready pods times agents per pod.")]
    public long? AgentsRunning { get; init; }

    [Description("Client address of the cluster the agents trade on.")]
    public string? ClusterAddress { get; init; }

    [Description("Generation of the spec last reconciled.")]
    public long? ObservedGeneration { get; init; }

    [Description("Available (every pod ready and trading), Progressing, Degraded.")]
    [ListMapKey("type")]
    public IList<ClusterCondition>? Conditions { get; init; }
}

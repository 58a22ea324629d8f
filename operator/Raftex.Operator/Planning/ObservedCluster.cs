using Raftex.Operator.Api;

namespace Raftex.Operator.Planning;

/// <summary>Everything the planner decides from: the desired state, the pods, the nodes' Raft status and the recorded progress.</summary>
public sealed record ObservedCluster(
    string Name,
    int DesiredReplicas,
    int StatefulSetReplicas,
    string TargetRevision,
    UpdateStrategyType Strategy,
    string? ApprovedLeaderRevision,
    long MaxLagEntries,
    TimeSpan ReadinessTimeout,
    DateTime Now,
    IReadOnlyList<ObservedPod> Pods,
    IReadOnlyList<ObservedNode> Nodes,
    OperationProgress? Progress);

using Raftex.Operator.Api;

namespace Raftex.Operator.Planning;

/// <summary>
/// Decides the next step of an ExchangeCluster, as pure logic: observation in, one action and the progress to
/// record out. Priorities: finish the step in flight; repair members that lost their data; scale one member at a
/// time; roll pods onto the target revision (followers first, highest ordinal first, the leader last after a
/// transfer); raise the entry format once every voter supports it.
/// </summary>
public static partial class ClusterPlanner
{
    /// <summary>The next step for <paramref name="cluster"/>.</summary>
    public static Plan Next(ObservedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var view = new ClusterView(cluster);

        if (cluster.Progress is { } progress && Continue(cluster, view, progress) is { } resumed)
        {
            return resumed;
        }

        if (view.Leader is null)
        {
            return new Plan(new WaitAction("no Raft leader: waiting for an election before changing anything"), null, null);
        }

        return Repair(cluster, view)
            ?? Scale(cluster, view)
            ?? Roll(cluster, view)
            ?? RaiseFormat(cluster, view)
            ?? new Plan(new DoneAction(), null, ClusterPhase.Running);
    }

    // Returns null when the recorded step is finished (or obsolete), so the caller plans afresh.
    private static Plan? Continue(ObservedCluster c, ClusterView view, OperationProgress p) => p.Kind switch
    {
        OperationKind.Rollout => ContinueRollout(c, view, p),
        OperationKind.ScaleUp or OperationKind.ReplaceMember => ContinueJoin(c, view, p),
        OperationKind.ScaleDown => ContinueScaleDown(c, view, p),
        _ => null,
    };

    private static ClusterPhase PhaseOf(OperationKind kind) => kind == OperationKind.Rollout ? ClusterPhase.Updating : ClusterPhase.Scaling;

    private static Plan Wait(OperationProgress? progress, string reason) =>
        new(new WaitAction(reason), progress is null ? null : progress with { Message = reason }, progress is null ? null : progress.Stopped == true ? ClusterPhase.Degraded : PhaseOf(progress.Kind));

    private static Plan Act(PlannedAction action, OperationProgress progress, PlannedEvent? evt = null) =>
        new(action, progress, PhaseOf(progress.Kind), evt);

    /// <summary>A step that has waited longer than the readiness timeout stops the operation: never make things worse.</summary>
    private static Plan? TimedOut(ObservedCluster c, OperationProgress p, string what)
    {
        if (p.Stopped == true)
        {
            return Wait(p, $"stopped: {p.Message}");
        }

        if (p.StartedAt is { } started && c.Now - started > c.ReadinessTimeout)
        {
            var reason = $"{what} within {c.ReadinessTimeout.TotalSeconds:0}s; {p.Kind} stopped";
            var stopped = p with { Stopped = true, Message = reason };
            return new Plan(new MarkDegradedAction(reason), stopped, ClusterPhase.Degraded, new PlannedEvent("OperationStopped", reason, Warning: true));
        }

        return null;
    }

    private static OperationProgress Step(ObservedCluster c, OperationKind kind, OperationStep step, ulong nodeId, string message) => new()
    {
        Kind = kind,
        Step = step,
        NodeId = (long)nodeId,
        Pod = $"{c.Name}-{nodeId - 1}",
        TargetRevision = c.TargetRevision,
        StartedAt = c.Now,
        Message = message,
    };
}

using Raftex.Operator.Api;

namespace Raftex.Operator.Planning;

public static partial class ClusterPlanner
{
    private static Plan? Scale(ObservedCluster c, ClusterView view)
    {
        var leader = view.Leader!;
        if (c.StatefulSetReplicas < c.DesiredReplicas)
        {
            var unhealthy = view.UnhealthyVoters();
            if (unhealthy.Count > 0)
            {
                return new Plan(new WaitAction($"not scaling up: {string.Join("; ", unhealthy)}"), null, ClusterPhase.Scaling);
            }

            var nodeId = (ulong)c.StatefulSetReplicas + 1;
            var message = $"scaling {c.StatefulSetReplicas}→{c.StatefulSetReplicas + 1}: starting {c.Name}-{nodeId - 1} (node {nodeId})";
            return Act(new SetReplicasAction(c.StatefulSetReplicas + 1), Step(c, OperationKind.ScaleUp, OperationStep.AddingReplica, nodeId, message));
        }

        if (c.StatefulSetReplicas > c.DesiredReplicas)
        {
            var nodeId = (ulong)c.StatefulSetReplicas;
            var pod = view.PodName(nodeId);
            var unhealthy = view.UnhealthyVoters(except: nodeId);
            if (unhealthy.Count > 0)
            {
                return new Plan(new WaitAction($"not removing {pod}: {string.Join("; ", unhealthy)}"), null, ClusterPhase.Scaling);
            }

            var progress = Step(c, OperationKind.ScaleDown, OperationStep.RemovingMember, nodeId, $"scaling {c.StatefulSetReplicas}→{c.StatefulSetReplicas - 1}: removing {pod} (node {nodeId})");
            return ContinueScaleDown(c, view, progress) ?? new Plan(new WaitAction($"removing {pod}"), progress, ClusterPhase.Scaling);
        }

        return null;
    }

    private static Plan? ContinueScaleDown(ObservedCluster c, ClusterView view, OperationProgress p)
    {
        var nodeId = (ulong)(p.NodeId ?? 0);
        var ordinal = (int)nodeId - 1;
        if (view.Leader is null)
        {
            return TimedOut(c, p, $"no leader while removing {p.Pod}") ?? Wait(p, $"waiting for a leader to remove {p.Pod}");
        }

        var member = view.Member(nodeId);
        if (member is not null)
        {
            if (view.Leader.NodeId == nodeId)
            {
                if (TimedOut(c, p, $"leadership did not move off {p.Pod}") is { } stop)
                {
                    return stop;
                }

                var successor = view.BestSuccessor(except: nodeId, revision: null);
                if (successor is null)
                {
                    return Wait(p, $"no healthy voter to take leadership from {p.Pod}");
                }

                return Act(new TransferLeadershipAction(nodeId, successor.NodeId),
                    p with { Step = OperationStep.TransferringLeadership, TransferTo = (long)successor.NodeId, Message = $"transferring leadership off {p.Pod} before removing it" });
            }

            return Act(new RemoveMemberAction(nodeId, member.Incarnation), p with { Step = OperationStep.RemovingMember, Message = $"removing {p.Pod} (node {nodeId}) from the Raft configuration" });
        }

        if (c.StatefulSetReplicas > ordinal)
        {
            // The member is out of the configuration: take its pod down through the Eviction API so the
            // PodDisruptionBudget arbitrates with any concurrent drain, and lower replicas only once the eviction
            // was accepted (a blocked eviction is retried on the next reconcile, never forced).
            var pod = c.Pods.FirstOrDefault(x => x.Ordinal == ordinal);
            var removing = p with { Step = OperationStep.RemovingReplica, Message = $"evicting {p.Pod}, then lowering StatefulSet replicas to {ordinal}" };
            return pod is null
                ? Act(new SetReplicasAction(ordinal), removing with { Message = $"lowering StatefulSet replicas to {ordinal}" })
                : Act(new EvictAction(pod.Name, pod.Uid, ThenReplicas: ordinal), removing);
        }

        if (c.Pods.Any(x => x.Ordinal == ordinal))
        {
            return Wait(p with { Step = OperationStep.RemovingReplica }, $"waiting for {p.Pod} to terminate");
        }

        return null;
    }

    private static Plan? RaiseFormat(ObservedCluster c, ClusterView view)
    {
        var leader = view.Leader!;
        var voters = view.Voters.ToList();
        var nodes = voters.Select(v => view.Node(v.NodeId)).ToList();
        if (voters.Count == 0 || nodes.Any(n => n is null))
        {
            return null;
        }

        var common = nodes.Select(n => (IEnumerable<uint>)n!.SupportedFormats).Aggregate((a, b) => a.Intersect(b)).DefaultIfEmpty(0u).Max();
        if (common <= leader.EntryFormatVersion)
        {
            return null;
        }

        return new Plan(new RaiseEntryFormatAction(common), null, ClusterPhase.Updating,
            new PlannedEvent("EntryFormatRaised", $"every voter supports entry format {common}; raising it from {leader.EntryFormatVersion}"));
    }
}

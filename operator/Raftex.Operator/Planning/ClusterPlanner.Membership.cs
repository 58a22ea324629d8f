using Raftex.Operator.Api;

namespace Raftex.Operator.Planning;

public static partial class ClusterPlanner
{
    // A member whose node answers with a different incarnation lost its data: remove the old identity and
    // let the node join again as a learner. A running pod that is not a member at all joins as a learner.
    private static Plan? Repair(ObservedCluster c, ClusterView view)
    {
        var leader = view.Leader!;
        foreach (var member in view.Members.OrderBy(m => m.NodeId))
        {
            var node = view.Node(member.NodeId);
            if (member.NodeId == leader.NodeId || node is null || member.Incarnation.Length == 0 || node.Incarnation.Length == 0 || node.Incarnation == member.Incarnation)
            {
                continue;
            }

            var message = $"{view.PodName(member.NodeId)} (node {member.NodeId}) came back with incarnation {node.Incarnation} instead of {member.Incarnation}: its data was lost; removing the old member to add it again";
            var progress = Step(c, OperationKind.ReplaceMember, OperationStep.RemovingMember, member.NodeId, message) with { Incarnation = member.Incarnation };
            return Act(new RemoveMemberAction(member.NodeId, member.Incarnation), progress, new PlannedEvent("MemberReplaced", message, Warning: true));
        }

        foreach (var node in c.Nodes.OrderBy(n => n.NodeId))
        {
            if (view.Member(node.NodeId) is null && (int)node.NodeId <= c.StatefulSetReplicas && (int)node.NodeId <= c.DesiredReplicas && node.Incarnation.Length > 0)
            {
                var message = $"{view.PodName(node.NodeId)} (node {node.NodeId}) runs but is not a member; adding it as a learner";
                var progress = Step(c, OperationKind.ReplaceMember, OperationStep.AddingLearner, node.NodeId, message);
                return Act(new AddLearnerAction(node.NodeId, node.Incarnation), progress);
            }
        }

        return null;
    }

    // Scale-up and member replacement end the same way: the node joins as a learner, catches up, is promoted.
    private static Plan? ContinueJoin(ObservedCluster c, ClusterView view, OperationProgress p)
    {
        var nodeId = (ulong)(p.NodeId ?? 0);
        var ordinal = (int)nodeId - 1;
        if (view.Leader is null)
        {
            return TimedOut(c, p, $"no leader while adding {p.Pod}") ?? Wait(p, $"waiting for a leader to add {p.Pod}");
        }

        if (p.Kind == OperationKind.ScaleUp && c.StatefulSetReplicas < ordinal + 1)
        {
            return Act(new SetReplicasAction(ordinal + 1), p);
        }

        var member = view.Member(nodeId);
        var node = view.Node(nodeId);

        if (p.Step == OperationStep.RemovingMember)
        {
            if (member is not null && member.Incarnation == p.Incarnation)
            {
                return Act(new RemoveMemberAction(nodeId, p.Incarnation ?? string.Empty), p);
            }

            p = p with { Step = OperationStep.AddingLearner, StartedAt = c.Now };
        }

        if (member is null)
        {
            if (node is null || node.Incarnation.Length == 0)
            {
                return TimedOut(c, p, $"{p.Pod} did not start answering Admin calls") ?? Wait(p, $"waiting for {p.Pod} to start");
            }

            var adding = p with { Step = OperationStep.AddingLearner, Message = $"adding {p.Pod} (node {nodeId}) as a learner" };
            return Act(new AddLearnerAction(nodeId, node.Incarnation), adding);
        }

        if (!member.IsVoter)
        {
            var catchingUp = p with { Step = OperationStep.CatchingUp };
            if (view.CaughtUp(member))
            {
                return Act(new PromoteLearnerAction(nodeId), catchingUp with { Message = $"promoting {p.Pod} (node {nodeId}) to voter" });
            }

            return TimedOut(c, catchingUp, $"learner {p.Pod} did not catch up")
                ?? Wait(catchingUp, $"learner {p.Pod} catching up: match index {member.MatchIndex} of {view.Leader.CommitIndex}");
        }

        if (view.Unhealthy(member) is null)
        {
            return null;
        }

        return TimedOut(c, p, $"{p.Pod} did not become ready as a voter") ?? Wait(p, $"waiting for voter {p.Pod} to become ready");
    }
}

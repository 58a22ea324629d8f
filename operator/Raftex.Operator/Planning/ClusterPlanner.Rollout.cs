using Raftex.Operator.Api;

namespace Raftex.Operator.Planning;

public static partial class ClusterPlanner
{
    private static Plan? Roll(ObservedCluster c, ClusterView view)
    {
        var leader = view.Leader!;
        var outdated = c.Pods.Where(p => p.Ordinal < c.StatefulSetReplicas && p.Revision != c.TargetRevision).ToList();
        if (outdated.Count == 0)
        {
            return null;
        }

        // Followers first. An unready outdated pod goes before the ready ones: it is already not serving, and
        // restarting it onto the new template is the only way to repair it (e.g. after a bad image was fixed).
        // Then highest ordinal first, as a StatefulSet would.
        var follower = outdated.Where(p => p.NodeId != leader.NodeId)
            .OrderBy(p => p.Ready).ThenByDescending(p => p.Ordinal).FirstOrDefault();
        if (follower is not null)
        {
            return Restart(c, view, follower);
        }

        var leaderPod = outdated.Single(p => p.NodeId == leader.NodeId);
        if (!view.Voters.Any(v => v.NodeId != leader.NodeId))
        {
            // A single voter has nobody to hand over to; restarting it is the only way forward.
            return Restart(c, view, leaderPod);
        }

        if (c.Strategy == UpdateStrategyType.Supervised && c.ApprovedLeaderRevision != c.TargetRevision)
        {
            var reason = $"all followers run revision {c.TargetRevision}; waiting for approval to restart leader {leaderPod.Name}: annotate the ExchangeCluster with raftex.io/approve-leader-restart={c.TargetRevision}";
            return Wait(Step(c, OperationKind.Rollout, OperationStep.AwaitingApproval, leader.NodeId, reason), reason);
        }

        return TransferBeforeRestart(c, view, leaderPod);
    }

    private static Plan Restart(ObservedCluster c, ClusterView view, ObservedPod pod)
    {
        var unhealthy = view.UnhealthyVoters(except: pod.NodeId);
        if (unhealthy.Count > 0)
        {
            return new Plan(new WaitAction($"not restarting {pod.Name}: {string.Join("; ", unhealthy)}"), null, ClusterPhase.Updating);
        }

        var message = $"restarting {pod.Name} (node {pod.NodeId}) onto revision {c.TargetRevision}";
        var progress = Step(c, OperationKind.Rollout, OperationStep.Restarting, pod.NodeId, message) with { PodUid = pod.Uid };
        return Act(new EvictAction(pod.Name, pod.Uid), progress);
    }

    private static Plan TransferBeforeRestart(ObservedCluster c, ClusterView view, ObservedPod leaderPod)
    {
        var unhealthy = view.UnhealthyVoters(except: leaderPod.NodeId);
        if (unhealthy.Count > 0)
        {
            return new Plan(new WaitAction($"not moving leadership off {leaderPod.Name}: {string.Join("; ", unhealthy)}"), null, ClusterPhase.Updating);
        }

        var successor = view.BestSuccessor(except: leaderPod.NodeId, revision: c.TargetRevision);
        if (successor is null)
        {
            return new Plan(new WaitAction($"no follower on revision {c.TargetRevision} is ready to take leadership from {leaderPod.Name}"), null, ClusterPhase.Updating);
        }

        var message = $"transferring leadership from {leaderPod.Name} (node {leaderPod.NodeId}) to node {successor.NodeId} before restarting it";
        var progress = Step(c, OperationKind.Rollout, OperationStep.TransferringLeadership, leaderPod.NodeId, message) with { TransferTo = (long)successor.NodeId };
        return Act(new TransferLeadershipAction(leaderPod.NodeId, successor.NodeId), progress);
    }

    private static Plan? ContinueRollout(ObservedCluster c, ClusterView view, OperationProgress p)
    {
        var nodeId = (ulong)(p.NodeId ?? 0);
        switch (p.Step)
        {
            case OperationStep.Restarting:
            {
                var pod = view.Pod(nodeId);
                if (p.Stopped == true && p.TargetRevision != c.TargetRevision)
                {
                    // The roll stopped on a pod that never came up, and the spec changed since (say, a bad image was
                    // fixed). Plan afresh: the broken pod is outdated and unready, so it is the first to restart.
                    return null;
                }

                if (pod is not null && pod.Uid == p.PodUid)
                {
                    // The eviction has not taken effect (refused by a PDB, or the operator stopped between recording
                    // and evicting). Re-check everything before trying again: the leader may have moved onto this pod.
                    if (view.Leader is null)
                    {
                        return TimedOut(c, p, $"no leader while restarting {p.Pod}") ?? Wait(p, $"not restarting {p.Pod}: no Raft leader");
                    }

                    if (view.Leader.NodeId == nodeId && view.Voters.Any(v => v.NodeId != nodeId))
                    {
                        return null;
                    }

                    var unhealthy = view.UnhealthyVoters(except: nodeId);
                    if (unhealthy.Count > 0)
                    {
                        return Wait(p, $"not restarting {p.Pod}: {string.Join("; ", unhealthy)}");
                    }

                    return Act(new EvictAction(pod.Name, pod.Uid), p);
                }

                var member = view.Member(nodeId);
                if (pod is not null && pod.Ready && member is not null && view.Unhealthy(member) is null)
                {
                    return null;
                }

                return TimedOut(c, p, $"{p.Pod} did not become ready and caught up")
                    ?? Wait(p, pod is null
                        ? $"waiting for {p.Pod} to be recreated"
                        : $"waiting for {p.Pod} to become ready and caught up" + (c.TargetRevision != p.TargetRevision ? $" (rollout retargeted to revision {c.TargetRevision})" : string.Empty));
            }

            case OperationStep.TransferringLeadership:
            {
                if (view.Leader is null)
                {
                    return TimedOut(c, p, $"no leader elected after moving leadership off {p.Pod}") ?? Wait(p, $"waiting for a leader after moving leadership off {p.Pod}");
                }

                if (view.Leader.NodeId != nodeId)
                {
                    // Confirmed: another node leads. Plan afresh; the old leader is now an ordinary follower to restart.
                    return null;
                }

                if (TimedOut(c, p, $"leadership did not move off {p.Pod}") is { } stop)
                {
                    return stop;
                }

                var successor = view.BestSuccessor(except: nodeId, revision: c.TargetRevision) ?? view.BestSuccessor(except: nodeId, revision: null);
                if (successor is null || view.UnhealthyVoters(except: nodeId) is { Count: > 0 })
                {
                    return Wait(p, $"no healthy follower to take leadership from {p.Pod}");
                }

                return Act(new TransferLeadershipAction(nodeId, successor.NodeId), p with { TransferTo = (long)successor.NodeId });
            }

            default:
                // AwaitingApproval and anything unknown: plan afresh (approval is re-checked there).
                return null;
        }
    }
}

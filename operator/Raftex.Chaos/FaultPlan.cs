using Google.Protobuf.WellKnownTypes;
using Raftex.Protocol.V1;

namespace Raftex.Chaos;

/// <summary>The transport faults each node receives for an action; each carries the experiment's duration.</summary>
public static class FaultPlan
{
    /// <summary>Faults per node id (empty for PodKill and LeaderTransferStorm, which act through other calls).</summary>
    public static IReadOnlyDictionary<long, IReadOnlyList<Fault>> For(ChaosSettings settings, IReadOnlyList<ChaosMember> targets, IReadOnlyList<ChaosMember> members)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(members);
        var duration = Duration.FromTimeSpan(settings.Duration);
        var plan = new Dictionary<long, IReadOnlyList<Fault>>();
        switch (settings.Action)
        {
            case ChaosAction.Partition when settings.Groups.Count > 0:
                foreach (var group in settings.Groups)
                {
                    var inside = members.Where(m => group.Contains(m.Pod)).Select(m => m.NodeId).ToHashSet();
                    var outside = members.Where(m => !inside.Contains(m.NodeId)).Select(m => (ulong)m.NodeId).ToList();
                    foreach (var id in inside)
                    {
                        plan[id] = [Isolate(outside, settings.Direction, duration)];
                    }
                }

                break;
            case ChaosAction.Partition:
                var targetIds = targets.Select(t => t.NodeId).ToHashSet();
                var rest = members.Where(m => !targetIds.Contains(m.NodeId)).Select(m => (ulong)m.NodeId).ToList();
                foreach (var t in targets)
                {
                    plan[t.NodeId] = [Isolate(rest, settings.Direction, duration)];
                }

                break;
            case ChaosAction.Delay:
                foreach (var t in targets)
                {
                    plan[t.NodeId] = [new Fault { Delay = new DelayFault { Delay = Duration.FromTimeSpan(settings.Latency), Jitter = Duration.FromTimeSpan(settings.Jitter) }, Duration = duration }];
                }

                break;
            case ChaosAction.Loss:
                foreach (var t in targets)
                {
                    plan[t.NodeId] = [new Fault { Drop = new DropFault { Fraction = settings.LossFraction }, Duration = duration }];
                }

                break;
            case ChaosAction.ClockSkew:
                foreach (var t in targets)
                {
                    plan[t.NodeId] = [new Fault { ClockSkew = new ClockSkewFault { Skew = Duration.FromTimeSpan(settings.ClockOffset) }, Duration = duration }];
                }

                break;
            default:
                break;
        }

        return plan;
    }

    private static Fault Isolate(IEnumerable<ulong> peers, PartitionDirection direction, Duration duration)
    {
        var isolate = new IsolateFault
        {
            Direction = direction switch
            {
                PartitionDirection.To => FaultDirection.Inbound,
                PartitionDirection.From => FaultDirection.Outbound,
                _ => FaultDirection.Both,
            },
        };
        isolate.PeerNodeIds.AddRange(peers);
        return new Fault { Isolate = isolate, Duration = duration };
    }
}

using Raftex.Operator.Api;
using Raftex.Operator.Planning;

namespace Raftex.Operator.Tests.Planning;

/// <summary>
/// A deterministic, in-memory cluster the planner's actions are applied to: pods with uid/revision/readiness,
/// a Raft configuration with match indexes and incarnations, a StatefulSet replica count and a clock.
/// Replacement pods come up not ready; <see cref="Settle"/> makes every running pod ready and caught up,
/// unless the test pinned it as stuck.
/// </summary>
internal sealed class PlannerWorld
{
    private int _uids;
    private int _incarnations;

    public PlannerWorld(int replicas, string revision = "r1")
    {
        TemplateRevision = revision;
        StatefulSetReplicas = replicas;
        DesiredReplicas = replicas;
        for (var i = 0; i < replicas; i++)
        {
            Pods[i] = NewPod(i, ready: true);
            var id = (ulong)i + 1;
            Incarnations[id] = NewIncarnation(id);
            Members[id] = new Member(true, Commit, Incarnations[id]);
        }

        Leader = 1;
    }

    public sealed record PodState(string Uid, string Revision, bool Ready);
    public sealed record Member(bool Voter, ulong Match, string Incarnation);

    public string Name { get; } = "xc";
    public string TemplateRevision { get; set; }
    public int DesiredReplicas { get; set; }
    public int StatefulSetReplicas { get; set; }
    public SortedDictionary<int, PodState> Pods { get; } = [];
    public SortedDictionary<ulong, Member> Members { get; } = [];
    public Dictionary<ulong, string> Incarnations { get; } = [];
    public Dictionary<ulong, List<uint>> Formats { get; } = [];
    public HashSet<ulong> Down { get; } = [];
    public HashSet<int> Stuck { get; } = [];
    public HashSet<string> BadRevisions { get; } = [];
    public ulong Leader { get; set; }
    public ulong Term { get; set; } = 1;
    public ulong Commit { get; set; } = 1000;
    public uint EntryFormat { get; set; } = 1;
    public UpdateStrategyType Strategy { get; set; } = UpdateStrategyType.RaftAware;
    public string? Approved { get; set; }
    public long MaxLag { get; set; } = 10;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
    public DateTime Now { get; set; } = new(2026, 11, 25, 21, 0, 0, DateTimeKind.Utc);
    public OperationProgress? Progress { get; set; }
    public List<string> Log { get; } = [];
    public List<string> Violations { get; } = [];
    public List<uint>? NewBinaryFormats { get; set; }
    public List<PlannedEvent> Events { get; } = [];

    public ObservedCluster Observe() => new(
        Name, DesiredReplicas, StatefulSetReplicas, TemplateRevision, Strategy, Approved, MaxLag, Timeout, Now,
        Pods.Select(p => new ObservedPod($"{Name}-{p.Key}", p.Key, p.Value.Uid, p.Value.Revision, p.Value.Ready)).ToList(),
        Pods.Keys.Select(o => (ulong)o + 1).Where(id => !Down.Contains(id)).Select(NodeView).ToList(),
        Progress);

    private ObservedNode NodeView(ulong id)
    {
        var member = Members.GetValueOrDefault(id);
        var isMember = member is not null && member.Incarnation == Incarnations[id];
        var role = !isMember ? RaftRole.Unknown : id == Leader ? RaftRole.Leader : member!.Voter ? RaftRole.Follower : RaftRole.Learner;
        var members = id == Leader ? Members.Select(m => new ObservedMember(m.Key, m.Value.Voter, m.Key == Leader ? Commit : m.Value.Match, m.Value.Incarnation)).ToList() : [];
        return new ObservedNode(id, Incarnations[id], role, Term, isMember ? Leader : 0, Commit, Formats.GetValueOrDefault(id, [1]), EntryFormat, members);
    }

    /// <summary>One reconcile: plan, record the progress (as the reconciler writes status first), apply the action.</summary>
    public Plan Step()
    {
        var plan = ClusterPlanner.Next(Observe());
        Progress = plan.Progress;
        if (plan.Event is not null) { Events.Add(plan.Event); }
        Apply(plan.Action);
        return plan;
    }

    /// <summary>Runs reconciles, settling between them, until Done or a Wait that settling does not resolve.</summary>
    public Plan RunToCompletion(int maxSteps = 200)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            var plan = Step();
            if (plan.Action is DoneAction or MarkDegradedAction) { return plan; }
            if (plan.Action is WaitAction && !Settle()) { return plan; }
        }

        throw new InvalidOperationException("planner did not converge: " + string.Join(", ", Log));
    }

    /// <summary>Pods that are running become ready and their members catch up; returns whether anything changed.</summary>
    public bool Settle()
    {
        var changed = false;
        foreach (var (ordinal, pod) in Pods.ToList())
        {
            var id = (ulong)ordinal + 1;
            if (Stuck.Contains(ordinal) || Down.Contains(id) || BadRevisions.Contains(pod.Revision)) { continue; }
            var member = Members.GetValueOrDefault(id);
            if (member is not null && member.Incarnation == Incarnations[id] && member.Match < Commit)
            {
                Members[id] = member with { Match = Commit };
                changed = true;
            }

            if (!pod.Ready && member is not null && member.Incarnation == Incarnations[id] && member.Voter)
            {
                Pods[ordinal] = pod with { Ready = true };
                changed = true;
            }
        }

        if (Leader == 0 && Members.Any(m => m.Value.Voter && Pods.TryGetValue((int)m.Key - 1, out var p) && p.Ready))
        {
            ElectIfLeaderless();
            changed = true;
        }

        return changed;
    }

    public void Apply(PlannedAction action)
    {
        switch (action)
        {
            case EvictAction e:
                var ordinal = int.Parse(e.Pod[(Name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(Pods[ordinal].Uid, e.Uid);
                Log.Add($"evict {ordinal}");
                if (e.ThenReplicas is { } lowered)
                {
                    // Scale-down: the evicted pod is not recreated because replicas drop right after the eviction.
                    if (Members.ContainsKey((ulong)ordinal + 1)) { Violations.Add($"evicted {ordinal} while it was still a member"); }
                    Pods.Remove(ordinal);
                    Apply(new SetReplicasAction(lowered));
                    break;
                }

                Pods[ordinal] = NewPod(ordinal, ready: false);
                if (Leader == (ulong)ordinal + 1)
                {
                    if (Members.Count(m => m.Value.Voter) > 1) { Violations.Add($"evicted leader {ordinal} without a transfer"); }
                    Leader = 0;
                }

                foreach (var (id, m) in Members)
                {
                    var other = (int)id - 1;
                    if (other != ordinal && m.Voter && (!Pods.TryGetValue(other, out var p) || !p.Ready || m.Match + (ulong)MaxLag < Commit))
                    {
                        Violations.Add($"evicted {ordinal} while voter {id} was unready or lagging");
                    }
                }

                if (NewBinaryFormats is { } formats) { Formats[(ulong)ordinal + 1] = formats; }

                break;
            case TransferLeadershipAction t:
                Assert.Equal(Leader, t.FromNodeId);
                Log.Add($"transfer {t.FromNodeId}->{t.ToNodeId}");
                Leader = t.ToNodeId;
                Term++;
                break;
            case AddLearnerAction a:
                Log.Add($"addLearner {a.NodeId}");
                Assert.False(Members.ContainsKey(a.NodeId));
                Members[a.NodeId] = new Member(false, 0, a.Incarnation);
                Commit++;
                break;
            case PromoteLearnerAction p:
                Log.Add($"promote {p.NodeId}");
                Members[p.NodeId] = Members[p.NodeId] with { Voter = true };
                Commit++;
                break;
            case RemoveMemberAction r:
                Log.Add($"remove {r.NodeId}");
                Assert.NotEqual(Leader, r.NodeId);
                Assert.Equal(Members[r.NodeId].Incarnation, r.Incarnation);
                Members.Remove(r.NodeId);
                Commit++;
                break;
            case SetReplicasAction s:
                Log.Add($"replicas {s.Replicas}");
                for (var i = StatefulSetReplicas; i < s.Replicas; i++)
                {
                    Pods[i] = NewPod(i, ready: false);
                    Incarnations[(ulong)i + 1] = NewIncarnation((ulong)i + 1);
                }

                for (var i = s.Replicas; i < StatefulSetReplicas; i++)
                {
                    Pods.Remove(i);
                }

                StatefulSetReplicas = s.Replicas;
                break;
            case RaiseEntryFormatAction f:
                Log.Add($"format {f.Version}");
                EntryFormat = f.Version;
                break;
            case MarkDegradedAction:
                Log.Add("degraded");
                break;
        }
    }

    /// <summary>Elects a leader among the voters the way Raft would after the old one went away.</summary>
    public void ElectIfLeaderless(ulong preferred = 0)
    {
        if (Leader != 0) { return; }
        Leader = preferred != 0 ? preferred : Members.Where(m => m.Value.Voter && !Down.Contains(m.Key) && Pods[(int)m.Key - 1].Ready).Select(m => m.Key).First();
        Term++;
    }

    public void Wipe(ulong nodeId) => Incarnations[nodeId] = NewIncarnation(nodeId);

    private PodState NewPod(int ordinal, bool ready) => new($"uid-{ordinal}-{++_uids}", TemplateRevision, ready);

    private string NewIncarnation(ulong nodeId) => $"inc-{nodeId}-{++_incarnations}";
}

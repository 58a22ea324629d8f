namespace Raftex.Operator.Planning;

/// <summary>Derived facts about an observation: who leads, who votes, who is healthy and why not.</summary>
internal sealed class ClusterView
{
    private readonly ObservedCluster _c;
    private readonly Dictionary<int, ObservedPod> _pods;
    private readonly Dictionary<ulong, ObservedNode> _nodes;

    public ClusterView(ObservedCluster c)
    {
        _c = c;
        _pods = c.Pods.GroupBy(p => p.Ordinal).ToDictionary(g => g.Key, g => g.First());
        _nodes = c.Nodes.GroupBy(n => n.NodeId).ToDictionary(g => g.Key, g => g.First());
        // Two nodes may both claim leadership for a moment (a deposed leader not yet aware); the higher term wins.
        Leader = c.Nodes.Where(n => n.Role == RaftRole.Leader).OrderByDescending(n => n.Term).FirstOrDefault();
        Members = Leader?.Members ?? [];
    }

    public ObservedNode? Leader { get; }

    public IReadOnlyList<ObservedMember> Members { get; }

    public IEnumerable<ObservedMember> Voters => Members.Where(m => m.IsVoter);

    public ObservedMember? Member(ulong nodeId) => Members.FirstOrDefault(m => m.NodeId == nodeId);

    public ObservedPod? Pod(ulong nodeId) => _pods.GetValueOrDefault(checked((int)nodeId - 1));

    public ObservedNode? Node(ulong nodeId) => _nodes.GetValueOrDefault(nodeId);

    public string PodName(ulong nodeId) => $"{_c.Name}-{nodeId - 1}";

    public bool CaughtUp(ObservedMember member) =>
        Leader is not null && (member.NodeId == Leader.NodeId || member.MatchIndex + (ulong)_c.MaxLagEntries >= Leader.CommitIndex);

    /// <summary>Why a member cannot be counted on right now, or null when it is ready, answering, the same incarnation and caught up.</summary>
    public string? Unhealthy(ObservedMember member)
    {
        var name = $"{PodName(member.NodeId)} (node {member.NodeId})";
        var pod = Pod(member.NodeId);
        if (pod is null) { return $"{name} has no pod"; }
        if (!pod.Ready) { return $"{name} is not ready"; }
        var node = Node(member.NodeId);
        if (node is null) { return $"{name} does not answer Admin calls"; }
        if (member.Incarnation.Length > 0 && node.Incarnation != member.Incarnation) { return $"{name} lost its data (incarnation {node.Incarnation}, member {member.Incarnation})"; }
        if (!CaughtUp(member)) { return $"{name} lags: match index {member.MatchIndex}, commit index {Leader!.CommitIndex}, allowed lag {_c.MaxLagEntries}"; }
        return null;
    }

    /// <summary>Reasons why voters other than <paramref name="except"/> are not all healthy; empty when they are.</summary>
    public List<string> UnhealthyVoters(ulong except = 0) =>
        Voters.Where(v => v.NodeId != except).Select(Unhealthy).OfType<string>().ToList();

    /// <summary>The most caught-up healthy voter other than <paramref name="except"/>, optionally only on the target revision.</summary>
    public ObservedMember? BestSuccessor(ulong except, string? revision) =>
        Voters.Where(v => v.NodeId != except && Unhealthy(v) is null && (revision is null || Pod(v.NodeId)?.Revision == revision))
            .OrderByDescending(v => v.MatchIndex).ThenBy(v => v.NodeId).FirstOrDefault();
}

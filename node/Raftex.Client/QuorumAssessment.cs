using System.Globalization;
using Raftex.Protocol.V1;

namespace Raftex.Client;

/// <summary>What one member answered to GetStatus, or why it did not.</summary>
public sealed record MemberObservation(ulong NodeId, NodeStatus? Status, string? Error)
{
    public bool Reachable => Status is not null;
}

/// <summary>
/// Whether a cluster has lost its quorum, judged from what its members answer: no reachable member knows a leader and
/// the reachable voters are not a majority of the voters. It names the survivor a forced recovery would continue from:
/// the reachable voter with the most up-to-date log (highest last term, then last index, then lowest id). It never
/// acts; callers decide (the operator only on a user's explicit request).
/// </summary>
public sealed record QuorumAssessment(bool QuorumLost, IReadOnlyList<ulong> Voters, IReadOnlyList<MemberObservation> Members, ulong? Survivor, string Summary)
{
    /// <summary>Judges <paramref name="members"/>; <paramref name="declaredVoters"/> are used when no member is reachable to say otherwise.</summary>
    public static QuorumAssessment Assess(IReadOnlyList<MemberObservation> members, IReadOnlyList<ulong> declaredVoters)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(declaredVoters);
        var reachable = members.Where(m => m.Reachable).ToList();
        var newest = reachable.OrderByDescending(m => m.Status!.LastTerm).ThenByDescending(m => m.Status!.LastIndex).ThenBy(m => m.NodeId).FirstOrDefault();
        var voters = newest is null
            ? declaredVoters.Order().ToList()
            : newest.Status!.Members.Where(m => m.Kind == MemberKind.Voter).Select(m => m.NodeId).Order().ToList();
        var leader = reachable.FirstOrDefault(m => m.Status!.LeaderId != 0);
        var reachableVoters = reachable.Where(m => voters.Contains(m.NodeId)).ToList();
        var lost = leader is null && reachableVoters.Count * 2 <= voters.Count;
        var survivor = lost ? reachableVoters.OrderByDescending(m => m.Status!.LastTerm).ThenByDescending(m => m.Status!.LastIndex).ThenBy(m => m.NodeId).FirstOrDefault()?.NodeId : null;
        var summary = leader is not null
            ? $"leader {leader.Status!.LeaderId} known to node {leader.NodeId}"
            : $"no leader known; {reachableVoters.Count} of {voters.Count} voters reachable (a quorum needs {(voters.Count / 2) + 1}); {Describe(members, voters)}";
        return new QuorumAssessment(lost, voters, members, survivor, summary);
    }

    private static string Describe(IReadOnlyList<MemberObservation> members, List<ulong> voters)
    {
        var parts = new List<string>();
        foreach (var m in members.OrderBy(m => m.NodeId))
        {
            var role = voters.Contains(m.NodeId) ? "voter" : "not a voter";
            parts.Add(m.Status is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"node {m.NodeId} ({role}) reachable: last index {s.LastIndex}, last term {s.LastTerm}, commit {s.CommitIndex}")
                : $"node {m.NodeId} ({role}) unreachable: {m.Error}");
        }

        foreach (var id in voters.Where(v => members.All(m => m.NodeId != v)))
        {
            parts.Add($"node {id} (voter) has no pod");
        }

        return string.Join("; ", parts);
    }
}

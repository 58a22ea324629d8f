using Raftex.Protocol.V1;

namespace Raftex.Chaos;

/// <summary>Chooses the targets of a run from the members and what their nodes report.</summary>
public static class TargetSelection
{
    /// <summary>The targets, or an error saying why none can be chosen (a missing pod, no leader, too few members).</summary>
    public static (IReadOnlyList<ChaosMember> Targets, string? Error) Select(
        ChaosSettings settings, IReadOnlyList<ChaosMember> members, IReadOnlyDictionary<long, NodeStatus> statuses, Random random)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(random);
        if (settings.Groups.Count > 0)
        {
            return ByName(settings.Groups.SelectMany(g => g).ToList(), members);
        }

        if (settings.Pods.Count > 0)
        {
            return ByName(settings.Pods, members);
        }

        var leader = LeaderOf(statuses);
        var candidates = settings.Role switch
        {
            TargetRole.Leader => members.Where(m => m.NodeId == leader).ToList(),
            TargetRole.Follower => members.Where(m => leader != 0 && m.NodeId != leader).ToList(),
            _ => members.ToList(),
        };
        if (settings.Role != TargetRole.Any && leader == 0)
        {
            return ([], $"role {settings.Role} needs a known leader and no member reports one");
        }

        if (candidates.Count == 0)
        {
            return ([], $"no member matches role {settings.Role}");
        }

        var count = settings.Mode switch
        {
            SelectionMode.One => 1,
            SelectionMode.All => candidates.Count,
            SelectionMode.Fixed => settings.Value,
            SelectionMode.FixedPercent => Math.Max(1, candidates.Count * settings.Value / 100),
            SelectionMode.RandomMaxPercent => 1 + random.Next(Math.Max(1, candidates.Count * settings.Value / 100)),
            _ => 1,
        };
        if (count > candidates.Count)
        {
            return ([], $"mode Fixed asks for {count} targets but only {candidates.Count} member(s) match role {settings.Role}");
        }

        // A seeded shuffle, so a given seed picks the same targets; ordered by node id for stable output.
        var picked = candidates.OrderBy(m => m.NodeId).OrderBy(_ => random.Next()).Take(count).OrderBy(m => m.NodeId).ToList();
        return (picked, null);
    }

    /// <summary>The node id of the leader with the highest term among the statuses (0 when none leads).</summary>
    public static long LeaderOf(IReadOnlyDictionary<long, NodeStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var leader = statuses.Values.Where(s => s.Role == Role.Leader).OrderByDescending(s => s.Term).FirstOrDefault();
        return leader is null ? 0 : (long)leader.NodeId;
    }

    private static (IReadOnlyList<ChaosMember>, string?) ByName(IReadOnlyList<string> pods, IReadOnlyList<ChaosMember> members)
    {
        var missing = pods.Where(p => members.All(m => m.Pod != p)).ToList();
        return missing.Count > 0
            ? ([], $"pod(s) {string.Join(", ", missing)} not found among {string.Join(", ", members.Select(m => m.Pod))}")
            : (pods.Select(p => members.First(m => m.Pod == p)).OrderBy(m => m.NodeId).ToList(), null);
    }
}

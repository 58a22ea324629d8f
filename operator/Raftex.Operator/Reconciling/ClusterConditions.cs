using Raftex.Operator.Api;

namespace Raftex.Operator.Reconciling;

/// <summary>Sets standard conditions on a status, moving lastTransitionTime only when the status value changes.</summary>
public static class ClusterConditions
{
    /// <summary>A leader exists with a quorum of healthy voters.</summary>
    public const string Available = "Available";
    /// <summary>An operation is under way.</summary>
    public const string Progressing = "Progressing";
    /// <summary>An operation stopped on a timeout, or the spec is invalid.</summary>
    public const string Degraded = "Degraded";
    /// <summary>One more voter failure would lose quorum.</summary>
    public const string QuorumAtRisk = "QuorumAtRisk";
    /// <summary>A node's data directory is full: it refuses writes (and is not ready) until space returns.</summary>
    public const string DiskFull = "DiskFull";

    /// <summary>Returns <paramref name="conditions"/> with the condition of <paramref name="type"/> set.</summary>
    public static List<ClusterCondition> Set(IEnumerable<ClusterCondition>? conditions, string type, bool status, string reason, string message, long? generation, DateTime now)
    {
        var list = conditions?.ToList() ?? [];
        var value = status ? "True" : "False";
        var index = list.FindIndex(c => c.Type == type);
        var previous = index >= 0 ? list[index] : null;
        var updated = new ClusterCondition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = previous?.Status == value ? previous.LastTransitionTime ?? now : now,
        };
        if (index >= 0) { list[index] = updated; } else { list.Add(updated); }
        return list;
    }

    /// <summary>Whether the condition of <paramref name="type"/> is True.</summary>
    public static bool IsTrue(IEnumerable<ClusterCondition>? conditions, string type) =>
        conditions?.Any(c => c.Type == type && c.Status == "True") == true;
}

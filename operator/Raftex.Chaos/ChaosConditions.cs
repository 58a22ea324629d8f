namespace Raftex.Chaos;

/// <summary>The experiment's standard conditions and how they are set.</summary>
public static class ChaosConditions
{
    public const string Selected = "Selected";
    public const string AllInjected = "AllInjected";
    public const string AllRecovered = "AllRecovered";

    /// <summary>Sets one condition, keeping its transition time when the status did not change.</summary>
    public static List<ChaosCondition> Set(IEnumerable<ChaosCondition>? conditions, string type, bool status, string reason, string message, DateTime now)
    {
        var list = conditions?.ToList() ?? [];
        var value = status ? "True" : "False";
        var index = list.FindIndex(c => c.Type == type);
        var previous = index >= 0 ? list[index] : null;
        var updated = new ChaosCondition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = message,
            LastTransitionTime = previous?.Status == value ? previous.LastTransitionTime ?? now : now,
        };
        if (index >= 0) { list[index] = updated; } else { list.Add(updated); }
        return list;
    }

    /// <summary>Whether <paramref name="type"/> is True.</summary>
    public static bool IsTrue(IEnumerable<ChaosCondition>? conditions, string type) =>
        conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    /// <summary>
    /// Whether the run holds the cluster: from target selection until the verdict. Recovery counts too, so that no
    /// other experiment or rolling restart disturbs what is being measured.
    /// </summary>
    public static bool IsActive(ChaosExperimentStatus? status) => status?.Phase is ChaosPhase.Injecting or ChaosPhase.Injected or ChaosPhase.Recovering;
}

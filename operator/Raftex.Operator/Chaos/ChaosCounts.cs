using Raftex.Chaos;
using Raftex.Operator.Api;

namespace Raftex.Operator.Chaos;

/// <summary>What the chaos gauges report, computed from the experiments the operator's cache holds.</summary>
public static class ChaosCounts
{
    /// <summary>Experiments by current verdict: Pass, Fail, or None (no verdict yet).</summary>
    public static IReadOnlyDictionary<string, int> Verdicts(IEnumerable<ChaosExperiment> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        return experiments.GroupBy(e => e.Status?.Verdict?.ToString() ?? "None").ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Faults in place: injected targets of experiments that have not healed yet.</summary>
    public static int FaultsActive(IEnumerable<ChaosExperiment> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        return experiments
            .Where(e => e.Status?.Phase is ChaosPhase.Injecting or ChaosPhase.Injected && e.Spec.Action is not ChaosAction.PodKill)
            .Sum(e => e.Status!.Targets?.Count(t => t.InjectedAt is not null) ?? 0);
    }
}

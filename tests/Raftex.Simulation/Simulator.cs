namespace Raftex.Simulation;

/// <summary>Runs seeds, and shrinks a failing one to the smallest schedule that still fails the same way.</summary>
public static class Simulator
{
    /// <summary>Runs one scenario.</summary>
    public static SimulationResult Run(SimulationOptions options) => new SimCluster(options).Run();

    /// <summary>
    /// Shrinks a failing run: first a shorter chaos window, then leaving out faults one at a time, keeping each
    /// reduction that still fails with the same property. Bounded by <paramref name="maxRuns"/> re-runs.
    /// </summary>
    public static SimulationResult Shrink(SimulationResult failing, int maxRuns = 60)
    {
        if (!failing.Failed)
        {
            return failing;
        }

        var property = failing.Violations[0].Property;
        var best = failing;
        var runs = 0;

        bool StillFails(SimulationOptions candidate, out SimulationResult result)
        {
            runs++;
            result = Run(candidate with { Trace = false });
            return result.Failed && result.Violations[0].Property == property;
        }

        // The failure happened by some time: faults and load after it are irrelevant, so try cutting the window there.
        var failedAt = failing.Violations[0].TimeUs;
        var window = best.Options.ChaosUs;
        while (runs < maxRuns && window > 100_000)
        {
            var shorter = Math.Max(100_000, Math.Min(window / 2, failedAt + 1));
            if (shorter >= window || !StillFails(best.Options with { ChaosUs = shorter }, out var r))
            {
                break;
            }

            best = r;
            window = shorter;
        }

        foreach (var fault in failing.Faults)
        {
            if (runs >= maxRuns)
            {
                break;
            }

            if (fault.AtUs >= best.Options.ChaosUs || best.Options.WithoutFaults.Contains(fault.Id))
            {
                continue;
            }

            var without = new SortedSet<int>(best.Options.WithoutFaults) { fault.Id };
            if (StillFails(best.Options with { WithoutFaults = without }, out var r))
            {
                best = r;
            }
        }

        return best;
    }
}

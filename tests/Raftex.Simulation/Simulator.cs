namespace Raftex.Simulation;

/// <summary>Runs seeds, and shrinks a failing one to the smallest schedule that still fails the same way.</summary>
public static class Simulator
{
    /// <summary>The property a seed fails when it overruns its step or wall-time budget.</summary>
    public const string Watchdog = "watchdog";

    /// <summary>
    /// Runs one scenario under the wall-clock watchdog: on its own thread, given <see cref="SimulationOptions.WallBudget"/>.
    /// A run over budget is told to stop at its next event; one stuck inside a single step (a loop in the core that never
    /// returns) is abandoned on its background thread and reported as a watchdog failure, so no seed can hang a sweep.
    /// </summary>
    public static SimulationResult Run(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = new SimCluster(options);
        SimulationResult? result = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = cluster.Run();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        })
        { IsBackground = true, Name = $"simulation seed {options.Seed}" };
        thread.Start();
        if (!thread.Join(options.WallBudget + TimeSpan.FromSeconds(1)))
        {
            cluster.Abandoned = true;
            if (!thread.Join(TimeSpan.FromSeconds(1)))
            {
                var hung = new Violation(Watchdog, $"wall-time budget: one step has not returned after {options.WallBudget.TotalSeconds:0.#}s (a loop that makes no progress); its thread is abandoned", cluster.Now);
                return new SimulationResult(options, [hung], cluster.Stats, 0, [], cluster.Faults) { Hung = true };
            }
        }

        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return result!;
    }

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

        // Each re-run of a hung seed costs a full wall-time budget and leaves a spinning thread: try only a couple.
        maxRuns = failing.Hung ? Math.Min(maxRuns, 2) : maxRuns;

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

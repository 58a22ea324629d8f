namespace Raftex.Simulation.Tests;

/// <summary>No seed can hang a sweep: a run over its step or wall-time budget fails with its seed and a replay.</summary>
public sealed class WatchdogTests
{
    [Fact]
    public void A_run_over_its_event_budget_fails_as_a_watchdog_violation()
    {
        var result = Simulator.Run(SimulationOptions.ForSeed(5) with { MaxEvents = 2_000 });

        Assert.True(result.Failed);
        Assert.Equal(Simulator.Watchdog, result.Violations[0].Property);
        Assert.Contains("step budget: over 2000 events", result.Violations[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_that_keeps_reading_the_log_fails_with_the_call_it_was_making()
    {
        // Any real step reads the log a few times; a budget of one read makes the first busy step trip it.
        var result = Simulator.Run(SimulationOptions.ForSeed(5) with { MaxStorageReadsPerStep = 1 });

        Assert.True(result.Failed);
        Assert.Equal(Simulator.Watchdog, result.Violations[0].Property);
        Assert.Matches(@"step budget: one step made over 1 storage reads \(the last: (Entries|Term) of \[\d+, \d+\)\)", result.Violations[0].Detail);
    }

    [Fact]
    public void A_run_over_its_wall_time_budget_stops_and_fails()
    {
        var result = Simulator.Run(SimulationOptions.ForSeed(5) with { WallBudget = TimeSpan.Zero });

        Assert.True(result.Failed);
        Assert.False(result.Hung);
        Assert.Equal(Simulator.Watchdog, result.Violations[0].Property);
        Assert.StartsWith("wall-time budget: still running after", result.Violations[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_that_never_returns_is_abandoned_and_reported_within_the_budget()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Simulator.Run(SimulationOptions.ForSeed(5) with { WallBudget = TimeSpan.FromMilliseconds(200), SabotageStepNeverReturnsAtUs = 300_000 });

        Assert.True(result.Hung);
        Assert.Equal(Simulator.Watchdog, result.Violations[0].Property);
        Assert.Contains("one step has not returned", result.Violations[0].Detail, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));

        // The shrinker and the replay command work on it like on any failure, within the same budget.
        var shrunk = Simulator.Shrink(result);
        Assert.Equal(Simulator.Watchdog, shrunk.Violations[0].Property);
        Assert.StartsWith("--seed 5 ", shrunk.Options.ReplayArguments(), StringComparison.Ordinal);
    }
}

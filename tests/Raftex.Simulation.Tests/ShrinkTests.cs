namespace Raftex.Simulation.Tests;

/// <summary>A failing run is shrunk to fewer faults and a shorter window, and the shrunk run still fails the same way.</summary>
public sealed class ShrinkTests
{
    [Fact]
    public void Shrinking_removes_faults_that_do_not_matter_and_keeps_the_failure()
    {
        // A liveness budget of one tick cannot be met whatever the faults: every fault is irrelevant to this failure.
        var options = SimulationOptions.ForSeed(5) with { LivenessTicks = 1 };
        var failing = Simulator.Run(options);
        Assert.True(failing.Failed);
        Assert.Equal("liveness", failing.Violations[0].Property);
        var scheduled = failing.Faults.Count(f => f.AtUs < options.ChaosUs);
        Assert.True(scheduled > 3);

        var shrunk = Simulator.Shrink(failing, maxRuns: 200);

        var kept = shrunk.Faults.Count(f => f.AtUs < shrunk.Options.ChaosUs && !shrunk.Options.WithoutFaults.Contains(f.Id));
        Assert.Equal(0, kept);
        Assert.True(shrunk.Options.ChaosUs < options.ChaosUs);
        var replayed = Simulator.Run(shrunk.Options);
        Assert.Equal("liveness", replayed.Violations[0].Property);
        Assert.Equal(shrunk.TraceHash, replayed.TraceHash);
    }

    [Fact]
    public void A_passing_run_is_returned_unchanged()
    {
        var passing = Simulator.Run(SimulationOptions.ForSeed(6) with { Mix = FaultMix.Calm });
        Assert.False(passing.Failed);

        Assert.Same(passing, Simulator.Shrink(passing));
    }
}

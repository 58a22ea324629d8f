namespace Raftex.Simulation.Tests;

/// <summary>One seed, one run: everything is derived from the seed, nothing from the wall clock or thread timing.</summary>
public sealed class DeterminismTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(17)]
    public void Same_seed_replays_the_identical_event_sequence(long seed)
    {
        var options = SimulationOptions.ForSeed(seed);

        var first = Simulator.Run(options);
        var second = Simulator.Run(options);

        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Stats.ToString(), second.Stats.ToString());
        Assert.Equal(first.Violations.Select(v => v.ToString()), second.Violations.Select(v => v.ToString()));
    }

    [Fact]
    public void Traced_replay_runs_the_same_events_as_the_untraced_run()
    {
        var options = SimulationOptions.ForSeed(11);

        var plain = Simulator.Run(options);
        var traced = Simulator.Run(options with { Trace = true });

        Assert.Equal(plain.TraceHash, traced.TraceHash);
        Assert.True(traced.Trace.Count > 1_000, $"trace has only {traced.Trace.Count} lines");
        Assert.Contains(traced.Trace, line => line.Contains("becomes leader", StringComparison.Ordinal));
    }

    [Fact]
    public void Different_seeds_take_different_paths()
    {
        var hashes = Enumerable.Range(1, 12).Select(seed => Simulator.Run(SimulationOptions.ForSeed(seed)).TraceHash).ToHashSet();

        Assert.Equal(12, hashes.Count);
    }

    [Fact]
    public void Leaving_a_fault_out_changes_the_run_and_stays_replayable()
    {
        var options = SimulationOptions.ForSeed(6);
        var full = Simulator.Run(options);
        Assert.NotEmpty(full.Faults);
        var reduced = options with { WithoutFaults = new SortedSet<int> { full.Faults[0].Id } };

        var a = Simulator.Run(reduced);
        var b = Simulator.Run(reduced);

        Assert.NotEqual(full.TraceHash, a.TraceHash);
        Assert.Equal(a.TraceHash, b.TraceHash);
    }
}

namespace Raftex.Simulation.Tests;

/// <summary>
/// Each scripted adversarial schedule, alone in a run: it reaches the step that makes it adversarial, and the real
/// core comes through it with every check passing. (The mutation suite shows the same schedules catching bugs.)
/// </summary>
public sealed class ScriptedScheduleTests
{
    [Theory]
    [InlineData(FaultKind.Figure8, "figure8 round 2:")]
    [InlineData(FaultKind.LeaderChangeMidMembership, "leader change mid membership: n")]
    [InlineData(FaultKind.RemoveLeader, "proposes its own removal")]
    [InlineData(FaultKind.SnapshotRace, "rejoins over duplicating, reordering links")]
    [InlineData(FaultKind.ReadAcrossLeaderChange, "read on the old leader")]
    public void A_scripted_schedule_runs_to_its_adversarial_step_and_the_core_passes_every_check(FaultKind kind, string marker)
    {
        foreach (var (seed, nodes) in new[] { (11L, 3), (12L, 5), (13L, 7), (14L, 3) })
        {
            var result = Simulator.Run(SimulationOptions.ForSeed(seed, nodes) with { Script = FaultPlan.Script(kind, seed), Trace = true });

            Assert.True(!result.Failed, $"{kind} seed {seed}: {string.Join("; ", result.Violations)}");
            Assert.Contains(result.Trace, line => line.Contains(marker, StringComparison.Ordinal));
            Assert.Contains(result.Trace, line => line.Contains("scripted #0 ends: done", StringComparison.Ordinal));
            Assert.DoesNotContain(result.Trace, line => line.Contains("nothing checked", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_rejoin_schedule_reaches_a_verdict_with_clients_paused_and_running()
    {
        // Odd seeds keep clients running while the follower is cut off, even ones keep them paused (FaultPlan.Script).
        var verdicts = new List<string>();
        for (var seed = 11L; seed <= 18; seed++)
        {
            var result = Simulator.Run(SimulationOptions.ForSeed(seed, 3 + 2 * (int)(seed % 3)) with { Script = FaultPlan.Script(FaultKind.RejoinAfterIsolation, seed), Trace = true });

            Assert.True(!result.Failed, $"seed {seed}: {string.Join("; ", result.Violations)}");
            if (result.Trace.Any(l => l.Contains(") rejoins", StringComparison.Ordinal)) && !result.Trace.Any(l => l.Contains("nothing checked", StringComparison.Ordinal)))
            {
                verdicts.Add(seed % 2 == 0 ? "paused" : "running");
            }
        }

        Assert.Contains("paused", verdicts);
        Assert.Contains("running", verdicts);
    }

    [Fact]
    public void While_a_schedule_runs_the_random_faults_wait()
    {
        var script = new[]
        {
            new FaultEvent(0, 250_000, FaultKind.RejoinAfterIsolation, 100_000, 42, 0.7),
            new FaultEvent(1, 400_000, FaultKind.Crash, 100_000, 43, 0.7),
        };
        var result = Simulator.Run(SimulationOptions.ForSeed(21, 5) with { Script = script, Trace = true });

        Assert.False(result.Failed, string.Join("; ", result.Violations));
        Assert.Contains(result.Trace, line => line.Contains("Crash for 100ms pick=43 severity=0.70: skipped, scripted schedule #0 is running", StringComparison.Ordinal));
        Assert.Equal(0, result.Stats.Crashes);
    }

    [Fact]
    public void The_adversarial_mix_draws_only_scripted_schedules()
    {
        var faults = FaultPlan.Generate(7, FaultMix.Adversarial, 2_000_000, 150_000);

        Assert.NotEmpty(faults);
        Assert.All(faults, f => Assert.True(FaultPlan.IsScripted(f.Kind), f.ToString()));
    }
}

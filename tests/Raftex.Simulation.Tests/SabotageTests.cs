namespace Raftex.Simulation.Tests;

/// <summary>
/// End to end, the simulator catches the bug it exists for: nodes that acknowledge writes before they are durable
/// lose them in crashes, and the checks must notice the damage within a handful of seeds.
/// </summary>
public sealed class SabotageTests
{
    [Fact]
    public void Acknowledging_before_fsync_is_caught_as_a_safety_violation()
    {
        SimulationResult? caught = null;
        var seed = 0;
        while (caught is null && seed < 60)
        {
            seed++;
            var result = Simulator.Run(SimulationOptions.ForSeed(seed) with
            {
                Mix = FaultMix.Crashes,
                SabotageSendBeforeFsync = true,
                MinFsyncUs = 2_000,
                MaxFsyncUs = 20_000,

                // Broken durability can also leave leader and follower bouncing rejects forever; cap such runs early.
                MaxEvents = 200_000,
            });
            if (result.Violations.Any(v => v.Property is not "liveness"))
            {
                caught = result;
            }
        }

        // The network sees the premature promise itself, before any damage shows in the logs.
        Assert.NotNull(caught);
        Assert.Equal("durable-promise", caught.Violations[0].Property);
    }

    [Fact]
    public void The_same_seeds_pass_when_messages_wait_for_the_fsync()
    {
        for (var seed = 1; seed <= 12; seed++)
        {
            var result = Simulator.Run(SimulationOptions.ForSeed(seed) with { Mix = FaultMix.Crashes, MinFsyncUs = 2_000, MaxFsyncUs = 20_000 });

            Assert.True(!result.Violations.Any(v => v.Property != "liveness"), $"seed {seed}: {string.Join("; ", result.Violations)}");
        }
    }
}

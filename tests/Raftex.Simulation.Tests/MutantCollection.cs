namespace Raftex.Simulation.Tests;

/// <summary>Tests that build and run whole copies of the simulator in child processes: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MutantCollection
{
    public const string Name = "mutants";
}

namespace Raftex.Chart.Tests;

/// <summary>Tests that start real node and operator processes share one non-parallel collection (two shared cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}

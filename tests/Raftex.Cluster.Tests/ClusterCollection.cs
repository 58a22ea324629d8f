namespace Raftex.Cluster.Tests;

/// <summary>All cluster scenarios share one non-parallel collection: each starts real processes on the two shared cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}

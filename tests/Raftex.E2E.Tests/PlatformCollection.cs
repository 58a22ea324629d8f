namespace Raftex.E2E.Tests;

/// <summary>Every end-to-end test runs alone: each platform runs a few dozen processes on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlatformCollection
{
    public const string Name = "local platform";
}

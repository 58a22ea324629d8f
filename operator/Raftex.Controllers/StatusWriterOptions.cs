namespace Raftex.Controllers;

/// <summary>How a <see cref="StatusWriter{T}"/> limits its writes.</summary>
public sealed record StatusWriterOptions
{
    /// <summary>
    /// Status property names (at any depth, JSON spelling, e.g. "term", "commitIndex", "matchIndex") whose changes
    /// alone are written at most once per <see cref="VolatileInterval"/>.
    /// </summary>
    public IReadOnlySet<string> VolatileFields { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The least time between two writes that change only volatile fields.</summary>
    public TimeSpan VolatileInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times a 409 conflict is retried by re-reading the object.</summary>
    public int ConflictRetries { get; init; } = 5;
}

namespace Raftex.Controllers;

/// <summary>How many workers a controller runs and how failed keys back off.</summary>
public sealed record ControllerOptions
{
    /// <summary>Concurrent reconciles (never two on the same key).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>The retry delay after a key's first failure; doubles with each further failure.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest retry delay after repeated failures.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times finalizer add/remove retries a 409 conflict by re-reading.</summary>
    public int ConflictRetries { get; init; } = 5;
}

namespace Raftex.Controllers;

/// <summary>How an informer retries after errors.</summary>
public sealed record InformerOptions
{
    /// <summary>The first delay after a failed list or watch.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The largest delay between retries.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The fraction of each delay that is randomised.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>The random source for the jitter (seed it in tests); null uses <see cref="Random.Shared"/>.</summary>
    public Random? Random { get; init; }
}

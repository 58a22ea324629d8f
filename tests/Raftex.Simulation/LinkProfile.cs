namespace Raftex.Simulation;

/// <summary>How one directed link treats messages: latency (base plus uniform jitter), loss, duplication, reordering.</summary>
/// <param name="BaseDelayUs">Minimum one-way latency in simulated microseconds.</param>
/// <param name="JitterUs">Uniform extra latency; jitter larger than the gap between sends reorders messages.</param>
/// <param name="DropRate">Probability a message is lost.</param>
/// <param name="DuplicateRate">Probability a message is delivered twice (the copy with its own latency).</param>
/// <param name="ReorderRate">Probability a message is held back by up to ten times the jitter.</param>
public readonly record struct LinkProfile(long BaseDelayUs, long JitterUs, double DropRate, double DuplicateRate, double ReorderRate)
{
    /// <summary>A healthy datacenter link.</summary>
    public static readonly LinkProfile Healthy = new(200, 300, 0, 0, 0);

    /// <summary>No latency and no faults, for the benchmark.</summary>
    public static readonly LinkProfile Instant = new(0, 0, 0, 0, 0);
}

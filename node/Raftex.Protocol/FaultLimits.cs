namespace Raftex.Protocol.V1;

/// <summary>
/// Bounds on the faults a node accepts through Admin SetFaults, in one place for the node that enforces them and for the
/// tools that build faults (a chaos experiment validates against the same values before it injects).
/// </summary>
public static class FaultLimits
{
    /// <summary>Largest clock-skew offset, in seconds, in either direction: 7 days (604,800 s).</summary>
    public const long MaxClockSkewSeconds = 604_800;

    /// <summary>Largest clock-skew offset in either direction: 7 days.</summary>
    public static TimeSpan MaxClockSkew { get; } = TimeSpan.FromSeconds(MaxClockSkewSeconds);
}

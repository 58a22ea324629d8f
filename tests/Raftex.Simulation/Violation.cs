namespace Raftex.Simulation;

/// <summary>A broken safety or liveness property, with when (simulated microseconds) and what was seen.</summary>
public sealed record Violation(string Property, string Detail, long TimeUs)
{
    public override string ToString() => $"[{Property}] at t={TimeUs / 1000.0:0.###}ms: {Detail}";
}

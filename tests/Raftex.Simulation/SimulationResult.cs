namespace Raftex.Simulation;

/// <summary>The outcome of one run: violations, figures, a hash of every event (for determinism) and the trace.</summary>
public sealed record SimulationResult(
    SimulationOptions Options,
    IReadOnlyList<Violation> Violations,
    SimulationStats Stats,
    ulong TraceHash,
    IReadOnlyList<string> Trace,
    IReadOnlyList<FaultEvent> Faults)
{
    public bool Failed => Violations.Count > 0;

    /// <summary>The run never returned from one step and was abandoned by the watchdog.</summary>
    public bool Hung { get; init; }
}

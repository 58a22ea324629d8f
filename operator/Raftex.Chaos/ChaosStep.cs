namespace Raftex.Chaos;

/// <summary>The outcome of one engine step: the new status, what happened, and when to step again.</summary>
public sealed record ChaosStep(ChaosExperimentStatus Status, IReadOnlyList<ChaosEvent> Events, TimeSpan Wait, int Injections)
{
    /// <summary>Whether the run is over (Completed without a schedule, or Failed).</summary>
    public bool Finished => Status.Phase is ChaosPhase.Failed || (Status.Phase is ChaosPhase.Completed && Status.NextRunAt is null);
}

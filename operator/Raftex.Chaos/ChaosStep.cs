namespace Raftex.Chaos;

/// <summary>The outcome of one engine step: the new status, what happened, and when to step again.</summary>
public sealed record ChaosStep(ChaosExperimentStatus Status, IReadOnlyList<ChaosEvent> Events, TimeSpan Wait, int Injections)
{
    /// <summary>Whether the run is over (Completed or Failed, with no scheduled run to come).</summary>
    public bool Finished => ChaosEngine.IsFinished(Status);
}

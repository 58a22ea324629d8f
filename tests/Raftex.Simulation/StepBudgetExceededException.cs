namespace Raftex.Simulation;

/// <summary>A single simulation step did far more work than any step can need: the watchdog's deterministic half.</summary>
public sealed class StepBudgetExceededException(string message) : Exception(message);

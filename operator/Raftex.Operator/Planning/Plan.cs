using Raftex.Operator.Api;

namespace Raftex.Operator.Planning;

/// <summary>
/// The planner's decision: the progress to write to status BEFORE acting (null clears it), the action,
/// the phase it implies (null: the reconciler decides from health), and an optional Event.
/// </summary>
public sealed record Plan(PlannedAction Action, OperationProgress? Progress, ClusterPhase? Phase, PlannedEvent? Event = null)
{
    /// <summary>The reason to show in the Progressing condition.</summary>
    public string Reason => Progress?.Message ?? (Action as WaitAction)?.Reason ?? string.Empty;
}

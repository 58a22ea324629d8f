namespace Raftex.Operator.Reconciling;

/// <summary>How often the reconciler polls nodes and how long it waits for them.</summary>
public sealed record ReconcilerOptions
{
    /// <summary>Requeue delay while an operation is in progress or waiting.</summary>
    public TimeSpan ActivePoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Requeue delay when converged (status polling).</summary>
    public TimeSpan SteadyPoll { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Least time between two status writes that change only volatile fields (term, commit and match indexes).</summary>
    public TimeSpan VolatileStatusInterval { get; init; } = TimeSpan.FromSeconds(10);
}

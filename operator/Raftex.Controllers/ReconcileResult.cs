namespace Raftex.Controllers;

/// <summary>What a reconcile asks of the runtime next: nothing, a requeue after a delay, or a retry with back-off.</summary>
public sealed record ReconcileResult
{
    private ReconcileResult(ReconcileOutcome outcome, TimeSpan delay, string? error)
    {
        Outcome = outcome;
        Delay = delay;
        ErrorMessage = error;
    }

    /// <summary>Converged; run again only when something changes.</summary>
    public static ReconcileResult Done { get; } = new(ReconcileOutcome.Done, TimeSpan.Zero, null);

    /// <summary>What happened.</summary>
    public ReconcileOutcome Outcome { get; }

    /// <summary>For <see cref="ReconcileOutcome.RequeueAfter"/>: how long to wait.</summary>
    public TimeSpan Delay { get; }

    /// <summary>For <see cref="ReconcileOutcome.Error"/>: why.</summary>
    public string? ErrorMessage { get; }

    /// <summary>Run again after <paramref name="delay"/> (polling, waiting for a pod); resets the key's back-off.</summary>
    public static ReconcileResult RequeueAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(ReconcileOutcome.RequeueAfter, delay, null);
    }

    /// <summary>Failed; retry after the key's exponential back-off.</summary>
    public static ReconcileResult Error(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(ReconcileOutcome.Error, TimeSpan.Zero, message);
    }
}

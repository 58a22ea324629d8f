namespace Raftex.Controllers;

/// <summary>The kind of <see cref="ReconcileResult"/>.</summary>
public enum ReconcileOutcome
{
    /// <summary>Converged.</summary>
    Done,

    /// <summary>Run again after a delay.</summary>
    RequeueAfter,

    /// <summary>Failed; retry with back-off.</summary>
    Error,
}

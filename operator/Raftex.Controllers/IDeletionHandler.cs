namespace Raftex.Controllers;

/// <summary>Optional: told when a primary object has disappeared (best effort; use a finalizer for guaranteed clean-up).</summary>
public interface IDeletionHandler<in T>
    where T : class
{
    /// <summary>Called once for an object that is gone, with its last known state.</summary>
    Task<ReconcileResult> DeletedAsync(T lastKnown, CancellationToken cancellationToken);
}

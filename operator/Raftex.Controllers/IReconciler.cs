namespace Raftex.Controllers;

/// <summary>Brings the world in line with one primary object; the runtime calls it for one key at a time.</summary>
public interface IReconciler
{
    /// <summary>
    /// Reconciles the object with <paramref name="key"/> (read it from the informer's cache). The token is
    /// cancelled on shutdown and the moment this replica stops being the leader.
    /// </summary>
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}

namespace Raftex.Controllers;

/// <summary>Optional: clean-up that must finish before a primary object may go; the runtime adds and removes the finalizer.</summary>
public interface IFinalizer<in T>
    where T : class
{
    /// <summary>The finalizer name written to metadata.finalizers (e.g. "raftex.io/cleanup").</summary>
    string Name { get; }

    /// <summary>Cleans up for an object being deleted; the finalizer is removed only when this returns Done.</summary>
    Task<ReconcileResult> FinalizeAsync(T resource, CancellationToken cancellationToken);
}

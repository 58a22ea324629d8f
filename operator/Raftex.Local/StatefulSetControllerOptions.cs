namespace Raftex.Local;

/// <summary>Tuning of the local StatefulSet controller.</summary>
public sealed record StatefulSetControllerOptions
{
    /// <summary>A full reconcile runs at least this often even without watch events (watches may drop).</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause before re-opening a watch that ended or failed.</summary>
    public TimeSpan WatchRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Only this namespace, or all namespaces when null.</summary>
    public string? Namespace { get; init; }
}

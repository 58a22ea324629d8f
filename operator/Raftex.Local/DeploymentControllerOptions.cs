namespace Raftex.Local;

/// <summary>Tuning of the local Deployment/ReplicaSet controller.</summary>
public sealed record DeploymentControllerOptions
{
    /// <summary>A full reconcile runs at least this often even without watch events.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause before re-opening a watch that ended or failed.</summary>
    public TimeSpan WatchRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Only this namespace, or all namespaces when null.</summary>
    public string? Namespace { get; init; }
}

namespace Raftex.Controllers;

/// <summary>Which lease to hold, as whom, and the timings (client-go's defaults: 15 s / 10 s / 2 s).</summary>
public sealed record LeaderElectionOptions
{
    /// <summary>The namespace of the lease.</summary>
    public required string Namespace { get; init; }

    /// <summary>The lease name (one per operator).</summary>
    public required string LeaseName { get; init; }

    /// <summary>This replica's identity, written as holderIdentity (pod name plus a random suffix).</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>How long a non-leader waits, after it last saw the lease change, before taking it over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps acting without a successful renew; must be shorter than <see cref="LeaseDuration"/>.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often to try to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws a precise error for settings that would let two replicas act at once.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Namespace);
        ArgumentException.ThrowIfNullOrEmpty(LeaseName);
        ArgumentException.ThrowIfNullOrEmpty(Identity);
        if (RetryPeriod <= TimeSpan.Zero || RenewDeadline <= RetryPeriod)
        {
            throw new ArgumentException($"RenewDeadline ({RenewDeadline}) must be longer than RetryPeriod ({RetryPeriod}), which must be positive.");
        }

        // The gap between the two is the safety margin: the old leader stops before anyone may take over.
        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException($"LeaseDuration ({LeaseDuration}) must be longer than RenewDeadline ({RenewDeadline}), or a paused leader could act after another took over.");
        }

        if (LeaseDuration.TotalSeconds != Math.Floor(LeaseDuration.TotalSeconds))
        {
            throw new ArgumentException($"LeaseDuration ({LeaseDuration}) must be whole seconds: the lease stores leaseDurationSeconds.");
        }
    }
}

namespace Raftex.Chaos;

/// <summary>What an experiment needs of the cluster it runs against: Kubernetes pods in the operator, node addresses in raftex-chaos.</summary>
public interface IChaosCluster
{
    /// <summary>The members that exist now (a killed pod may be missing until it is back).</summary>
    Task<IReadOnlyList<ChaosMember>> MembersAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the member's pod with a non-zero grace period; false with a reason where there are no pods.</summary>
    Task<(bool Done, string Detail)> DeletePodAsync(ChaosMember member, int gracePeriodSeconds, CancellationToken cancellationToken);

    /// <summary>Where the correctness probe writes.</summary>
    IProbeLedger Probe { get; }
}

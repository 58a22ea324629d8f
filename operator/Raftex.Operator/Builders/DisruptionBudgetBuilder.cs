using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Builders;

/// <summary>Builds the PodDisruptionBudget that keeps a voter quorum up during voluntary disruptions.</summary>
public static class DisruptionBudgetBuilder
{
    /// <summary>Quorum of <paramref name="voters"/>: ⌊n/2⌋+1.</summary>
    public static int Quorum(int voters) => voters / 2 + 1;

    /// <summary>
    /// The PDB for <paramref name="voters"/> voters. During scaling pass the larger of the old and
    /// new counts, so the budget never allows more disruption than the current membership can bear.
    /// </summary>
    public static V1PodDisruptionBudget Build(ExchangeCluster cluster, int voters)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentOutOfRangeException.ThrowIfLessThan(voters, 1);
        var name = cluster.Metadata.Name;
        return new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = Ownership.ChildMeta(cluster, ChildNames.DisruptionBudget(name)),
            Spec = new V1PodDisruptionBudgetSpec
            {
                MinAvailable = Quorum(voters),
                Selector = new V1LabelSelector { MatchLabels = ChildLabels.Selector(name) },
            },
        };
    }
}

using k8s;
using Raftex.Chaos;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Chaos;

/// <summary>The experiments of a namespace that hold their cluster now (from selection until the verdict).</summary>
public static class ActiveExperiments
{
    /// <summary>Active experiments in <paramref name="ns"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<ChaosExperiment>> ListAsync(IKubernetes kube, string ns, CancellationToken cancellationToken)
    {
        ResourceList<ChaosExperiment> list;
        try
        {
            list = await new CustomResourceClient<ChaosExperiment>(kube, ChaosExperiment.Plural, ns)
                .ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            // The ChaosExperiment CRD is not installed: nothing can hold the cluster.
            return [];
        }

        return list.Items.Where(e => ChaosConditions.IsActive(e.Status)).OrderBy(e => e.Metadata.CreationTimestamp).ToList();
    }

    /// <summary>The name of an active experiment on <paramref name="cluster"/>, if any.</summary>
    public static async Task<string?> OnClusterAsync(IKubernetes kube, string ns, string cluster, CancellationToken cancellationToken) =>
        (await ListAsync(kube, ns, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Spec.ClusterRef == cluster)?.Metadata.Name;
}

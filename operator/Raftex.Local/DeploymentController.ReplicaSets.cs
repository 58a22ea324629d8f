using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Local;

public sealed partial class DeploymentController
{
    /// <summary>Keeps spec.replicas pods: creates from the template (server-generated names), deletes unready ones first, then the newest.</summary>
    private async Task ReconcileReplicaSetAsync(V1ReplicaSet set, List<V1Pod> owned, CancellationToken ct)
    {
        var ns = set.Metadata.NamespaceProperty;
        var desired = set.Spec.Replicas ?? 1;

        // A pod that ran to completion or failed is replaced, as the ReplicaSet controller does.
        foreach (var finished in owned.Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is "Failed" or "Succeeded").ToList())
        {
            await DeletePodAsync(finished, ct).ConfigureAwait(false);
            owned.Remove(finished);
        }

        var live = owned.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        for (var i = live.Count; i < desired; i++)
        {
            var pod = new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    GenerateName = set.Metadata.Name + "-",
                    NamespaceProperty = ns,
                    Labels = set.Spec.Template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : null,
                    Annotations = set.Spec.Template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null,
                    OwnerReferences = [Owner("ReplicaSet", set.Metadata)],
                },
                Spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(set.Spec.Template.Spec)),
            };
            await client.CoreV1.CreateNamespacedPodAsync(pod, ns, cancellationToken: ct).ConfigureAwait(false);
        }

        var surplus = live
            .OrderBy(p => PodReadiness.IsReady(p))
            .ThenByDescending(p => p.Metadata.CreationTimestamp)
            .ThenByDescending(p => p.Metadata.Name, StringComparer.Ordinal)
            .Take(Math.Max(0, live.Count - desired));
        foreach (var pod in surplus)
        {
            await DeletePodAsync(pod, ct).ConfigureAwait(false);
        }

        var ready = live.Count(PodReadiness.IsReady);
        var old = set.Status;
        if (old is not null && old.Replicas == live.Count && old.ReadyReplicas == ready && old.ObservedGeneration == set.Metadata.Generation)
        {
            return;
        }

        var status = new V1ReplicaSetStatus
        {
            Replicas = live.Count,
            FullyLabeledReplicas = live.Count,
            ReadyReplicas = ready,
            AvailableReplicas = ready,
            ObservedGeneration = set.Metadata.Generation,
        };
        try
        {
            await client.AppsV1.PatchNamespacedReplicaSetStatusAsync(new V1Patch(KubernetesJson.Serialize(new V1ReplicaSet { Status = status }), V1Patch.PatchType.MergePatch),
                set.Metadata.Name, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (Ignorable(e))
        {
            // Deleted meanwhile.
        }
    }

    private async Task DeletePodAsync(V1Pod pod, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } }, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (Ignorable(e))
        {
            // Already gone or replaced.
        }
    }
}

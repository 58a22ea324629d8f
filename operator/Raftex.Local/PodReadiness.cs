using k8s;
using k8s.Models;

namespace Raftex.Local;

/// <summary>Stands in for a kubelet's status reports: marks a pod Running and Ready (or not) through the status subresource.</summary>
public static class PodReadiness
{
    public static async Task<V1Pod> SetAsync(IKubernetes client, string ns, string name, bool ready, CancellationToken cancellationToken = default)
    {
        var now = DateTime.UtcNow;
        var status = ready ? "True" : "False";
        var patch = new V1Pod
        {
            Status = new V1PodStatus
            {
                Phase = "Running",
                Conditions =
                [
                    new V1PodCondition { Type = "Ready", Status = status, LastTransitionTime = now },
                    new V1PodCondition { Type = "ContainersReady", Status = status, LastTransitionTime = now },
                ],
            },
        };
        return await client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.MergePatch), name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the pod's Ready condition is True and it is not terminating.</summary>
    public static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null
        && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}

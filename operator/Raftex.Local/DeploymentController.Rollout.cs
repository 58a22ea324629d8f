using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Local;

public sealed partial class DeploymentController
{
    private async Task ReconcileDeploymentAsync(V1Deployment deployment, List<V1ReplicaSet> owned, IList<V1Pod> pods, CancellationToken ct)
    {
        var replicas = deployment.Spec.Replicas ?? 1;
        var hash = RevisionHash.Of(deployment.Spec.Template);
        var newName = $"{deployment.Metadata.Name}-{hash}";
        var recreate = deployment.Spec.Strategy?.Type == "Recreate";
        var newSet = owned.FirstOrDefault(s => s.Metadata.Name == newName);
        var old = owned.Where(s => s.Metadata.Name != newName).ToList();
        List<V1Pod> PodsOf(V1ReplicaSet s) => pods.Where(p => OwnedBy(p.Metadata, s.Metadata.Uid) && p.Metadata.DeletionTimestamp is null).ToList();

        if (newSet is null)
        {
            var initial = recreate || old.Count > 0 ? 0 : replicas;
            newSet = await CreateReplicaSetAsync(deployment, newName, hash, owned, initial, ct).ConfigureAwait(false);
            if (newSet is null)
            {
                return;
            }
        }

        if (recreate)
        {
            // Recreate: every old pod is gone before the first new one starts.
            var oldRunning = old.Any(s => (s.Spec.Replicas ?? 0) > 0 || PodsOf(s).Count > 0);
            foreach (var s in old.Where(s => (s.Spec.Replicas ?? 0) > 0))
            {
                await ScaleAsync(s, 0, ct).ConfigureAwait(false);
            }

            if (!oldRunning)
            {
                await ScaleAsync(newSet, replicas, ct).ConfigureAwait(false);
            }
        }
        else
        {
            var rolling = deployment.Spec.Strategy?.RollingUpdate;
            var surge = Resolve(rolling?.MaxSurge, replicas, roundUp: true, fallbackPercent: 25);
            var unavailable = Resolve(rolling?.MaxUnavailable, replicas, roundUp: false, fallbackPercent: 25);
            if (surge == 0 && unavailable == 0)
            {
                unavailable = 1;
            }

            // Scale the new set up within the surge allowance.
            var total = owned.Sum(s => s.Spec.Replicas ?? 0);
            var newReplicas = newSet.Spec.Replicas ?? 0;
            var up = Math.Min(replicas, newReplicas + Math.Max(0, replicas + surge - total));
            if (old.Count == 0)
            {
                up = replicas;
            }

            if (up != newReplicas)
            {
                await ScaleAsync(newSet, up, ct).ConfigureAwait(false);
            }

            // Scale old sets down as far as availability allows: unready old pods may always go.
            var available = owned.Sum(s => PodsOf(s).Count(PodReadiness.IsReady));
            var budget = Math.Max(0, available - (replicas - unavailable));
            foreach (var s in old.OrderBy(s => s.Metadata.CreationTimestamp))
            {
                var current = s.Spec.Replicas ?? 0;
                var unready = PodsOf(s).Count(p => !PodReadiness.IsReady(p));
                var cut = Math.Min(current, budget + unready);
                if (cut > 0)
                {
                    await ScaleAsync(s, current - cut, ct).ConfigureAwait(false);
                    budget = Math.Max(0, budget - Math.Max(0, cut - unready));
                }
            }
        }

        await UpdateDeploymentStatusAsync(deployment, owned.Append(newSet).DistinctBy(s => s.Metadata.Uid).ToList(), newSet, pods, ct).ConfigureAwait(false);
    }

    private async Task<V1ReplicaSet?> CreateReplicaSetAsync(V1Deployment deployment, string name, string hash, List<V1ReplicaSet> owned, int replicas, CancellationToken ct)
    {
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(deployment.Spec.Template));
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>()) { [TemplateHashLabel] = hash };
        var selector = KubernetesJson.Deserialize<V1LabelSelector>(KubernetesJson.Serialize(deployment.Spec.Selector));
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [TemplateHashLabel] = hash };
        var revision = owned.Select(s => s.Metadata.Annotations is { } a && a.TryGetValue(RevisionAnnotation, out var r)
            && int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1;
        var set = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = deployment.Metadata.NamespaceProperty,
                Labels = template.Metadata.Labels,
                Annotations = new Dictionary<string, string> { [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture) },
                OwnerReferences = [Owner("Deployment", deployment.Metadata)],
            },
            Spec = new V1ReplicaSetSpec { Replicas = replicas, Selector = selector, Template = template },
        };
        try
        {
            return await client.AppsV1.CreateNamespacedReplicaSetAsync(set, deployment.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (Ignorable(e))
        {
            // Created since our list; the next pass sees it.
            return null;
        }
    }

    private async Task ScaleAsync(V1ReplicaSet set, int replicas, CancellationToken ct)
    {
        if ((set.Spec.Replicas ?? 0) == replicas)
        {
            return;
        }

        try
        {
            await client.AppsV1.PatchNamespacedReplicaSetAsync(new V1Patch($"{{\"spec\":{{\"replicas\":{replicas}}}}}", V1Patch.PatchType.MergePatch),
                set.Metadata.Name, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            set.Spec.Replicas = replicas;
        }
        catch (HttpOperationException e) when (Ignorable(e))
        {
            // Gone meanwhile.
        }
    }

    private async Task UpdateDeploymentStatusAsync(V1Deployment deployment, List<V1ReplicaSet> sets, V1ReplicaSet newSet, IList<V1Pod> pods, CancellationToken ct)
    {
        var live = pods.Where(p => p.Metadata.DeletionTimestamp is null && sets.Any(s => OwnedBy(p.Metadata, s.Metadata.Uid))).ToList();
        var replicas = deployment.Spec.Replicas ?? 1;
        var ready = live.Count(PodReadiness.IsReady);
        var updated = live.Count(p => OwnedBy(p.Metadata, newSet.Metadata.Uid));
        var unavailableAllowed = deployment.Spec.Strategy?.Type == "Recreate"
            ? 0
            : Resolve(deployment.Spec.Strategy?.RollingUpdate?.MaxUnavailable, replicas, roundUp: false, fallbackPercent: 25);
        var complete = updated == replicas && live.Count == replicas && ready == replicas;
        var available = ready >= replicas - unavailableAllowed;
        var old = deployment.Status;
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = deployment.Metadata.Generation,
            Replicas = live.Count,
            UpdatedReplicas = updated,
            ReadyReplicas = ready,
            AvailableReplicas = ready,
            UnavailableReplicas = Math.Max(0, live.Count - ready),
            Conditions =
            [
                Condition(old, "Available", available, available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    available ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
                Condition(old, "Progressing", true, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                    complete ? $"ReplicaSet \"{newSet.Metadata.Name}\" has successfully progressed." : $"ReplicaSet \"{newSet.Metadata.Name}\" is progressing."),
            ],
        };
        if (old is not null && old.ObservedGeneration == status.ObservedGeneration && old.Replicas == status.Replicas
            && old.UpdatedReplicas == status.UpdatedReplicas && old.ReadyReplicas == status.ReadyReplicas
            && old.AvailableReplicas == status.AvailableReplicas && old.UnavailableReplicas == status.UnavailableReplicas
            && old.Conditions?.Count == 2 && old.Conditions.Zip(status.Conditions).All(p => p.First.Type == p.Second.Type && p.First.Status == p.Second.Status && p.First.Reason == p.Second.Reason))
        {
            return;
        }

        try
        {
            await client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(KubernetesJson.Serialize(new V1Deployment { Status = status }), V1Patch.PatchType.MergePatch),
                deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (Ignorable(e))
        {
            // Deleted meanwhile.
        }
    }

    private static V1DeploymentCondition Condition(V1DeploymentStatus? old, string type, bool value, string reason, string message)
    {
        var text = value ? "True" : "False";
        var previous = old?.Conditions?.FirstOrDefault(c => c.Type == type);
        var now = DateTime.UtcNow;
        return new V1DeploymentCondition
        {
            Type = type,
            Status = text,
            Reason = reason,
            Message = message,
            LastUpdateTime = previous?.Status == text && previous.Reason == reason ? previous.LastUpdateTime : now,
            LastTransitionTime = previous?.Status == text ? previous.LastTransitionTime : now,
        };
    }
}

using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Local;

public sealed partial class StatefulSetController
{
    private async Task ReconcileAsync(V1StatefulSet set, List<V1Pod> pods, List<V1ControllerRevision> revisions, List<V1PersistentVolumeClaim> claims, CancellationToken ct)
    {
        var replicas = set.Spec.Replicas ?? 1;
        var updateRevision = RevisionHash.RevisionName(set);
        var current = string.IsNullOrEmpty(set.Status?.CurrentRevision) ? updateRevision : set.Status.CurrentRevision;
        await EnsureRevisionAsync(set, updateRevision, revisions, ct).ConfigureAwait(false);

        var byOrdinal = new SortedDictionary<int, V1Pod>();
        foreach (var p in pods)
        {
            var ordinal = OrdinalOf(set, p);
            if (ordinal >= 0)
            {
                byOrdinal[ordinal] = p;
            }
        }

        var parallel = set.Spec.PodManagementPolicy == "Parallel";
        var onDelete = set.Spec.UpdateStrategy?.Type == "OnDelete";
        var partition = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;

        await EnsureClaimsAsync(set, replicas, claims, ct).ConfigureAwait(false);

        // A pod that ran to completion or failed is replaced, as the StatefulSet controller does: delete it, recreate it next pass.
        foreach (var (_, finished) in byOrdinal.Where(p => p.Value.Metadata.DeletionTimestamp is null && p.Value.Status?.Phase is "Failed" or "Succeeded").ToList())
        {
            await DeletePodAsync(finished, ct).ConfigureAwait(false);
        }

        // Create missing pods: all at once (Parallel), or the first missing one once every lower ordinal is ready (OrderedReady).
        for (var i = 0; i < replicas; i++)
        {
            if (byOrdinal.TryGetValue(i, out var existing))
            {
                if (!parallel && !PodReadiness.IsReady(existing))
                {
                    break;
                }

                continue;
            }

            // Below the partition a RollingUpdate keeps the current revision; everywhere else a new pod is the update revision.
            var revision = !onDelete && i < partition ? current : updateRevision;
            var template = revision == updateRevision ? set.Spec.Template : TemplateOf(revisions, revision) ?? set.Spec.Template;
            await CreatePodAsync(set, i, revision, template, ct).ConfigureAwait(false);
            if (!parallel)
            {
                break;
            }
        }

        // Scale down from the highest ordinal: all at once (Parallel), one at a time otherwise.
        var condemned = byOrdinal.Where(p => p.Key >= replicas).OrderByDescending(p => p.Key).ToList();
        var anyTerminating = byOrdinal.Values.Any(p => p.Metadata.DeletionTimestamp is not null);
        foreach (var (_, pod) in condemned)
        {
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            if (!parallel && anyTerminating)
            {
                break;
            }

            await DeletePodAsync(pod, ct).ConfigureAwait(false);
            anyTerminating = true;
            if (!parallel)
            {
                break;
            }
        }

        // RollingUpdate replaces one outdated pod at a time, highest ordinal first, down to the partition, once all are ready.
        // OnDelete never restarts a pod by itself: only a pod someone deleted comes back, at the update revision.
        if (!onDelete && condemned.Count == 0 && byOrdinal.Count == replicas && byOrdinal.Values.All(PodReadiness.IsReady))
        {
            var outdated = byOrdinal.Where(p => p.Key >= partition && RevisionOf(p.Value) != updateRevision).OrderByDescending(p => p.Key).Select(p => p.Value).FirstOrDefault();
            if (outdated is not null)
            {
                await DeletePodAsync(outdated, ct).ConfigureAwait(false);
            }
        }

        await CleanUpScaledClaimsAsync(set, replicas, byOrdinal, claims, ct).ConfigureAwait(false);
        await UpdateStatusAsync(set, pods, current, updateRevision, onDelete, ct).ConfigureAwait(false);
    }

    private static string? RevisionOf(V1Pod pod) =>
        pod.Metadata.Labels is { } labels && labels.TryGetValue(RevisionLabel, out var r) ? r : null;

    private async Task EnsureRevisionAsync(V1StatefulSet set, string name, List<V1ControllerRevision> revisions, CancellationToken ct)
    {
        if (revisions.Any(r => r.Metadata.Name == name))
        {
            return;
        }

        var labels = new Dictionary<string, string>(set.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [RevisionLabel] = name,
        };
        var revision = new V1ControllerRevision
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = set.Metadata.NamespaceProperty,
                Labels = labels,
                OwnerReferences = [Owner(set)],
            },
            Revision = revisions.Count == 0 ? 1 : revisions.Max(r => r.Revision) + 1,
            Data = new Dictionary<string, object> { ["spec"] = new Dictionary<string, object> { ["template"] = set.Spec.Template } },
        };
        try
        {
            await client.AppsV1.CreateNamespacedControllerRevisionAsync(revision, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (Ignorable(e))
        {
            // Created by an earlier pass whose list we did not see yet.
        }
    }

    private static V1PodTemplateSpec? TemplateOf(List<V1ControllerRevision> revisions, string name)
    {
        var revision = revisions.FirstOrDefault(r => r.Metadata.Name == name);
        if (revision?.Data is null)
        {
            return null;
        }

        var json = KubernetesJson.Serialize(revision.Data);
        var data = System.Text.Json.Nodes.JsonNode.Parse(json);
        return data?["spec"]?["template"] is { } template ? KubernetesJson.Deserialize<V1PodTemplateSpec>(template.ToJsonString()) : null;
    }

    private static V1OwnerReference Owner(V1StatefulSet set) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Name = set.Metadata.Name,
        Uid = set.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    private static string ClaimName(string claim, V1StatefulSet set, int ordinal) =>
        string.Create(CultureInfo.InvariantCulture, $"{claim}-{set.Metadata.Name}-{ordinal}");

    private async Task CreatePodAsync(V1StatefulSet set, int ordinal, string revision, V1PodTemplateSpec template, CancellationToken ct)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{set.Metadata.Name}-{ordinal}");
        var spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec));
        spec.Hostname = name;
        spec.Subdomain = set.Spec.ServiceName;
        foreach (var claim in set.Spec.VolumeClaimTemplates ?? [])
        {
            spec.Volumes ??= [];
            if (spec.Volumes.All(v => v.Name != claim.Metadata.Name))
            {
                spec.Volumes.Add(new V1Volume
                {
                    Name = claim.Metadata.Name,
                    PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(claim.Metadata.Name, set, ordinal) },
                });
            }
        }

        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [RevisionLabel] = revision,
            [PodNameLabel] = name,
            [PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture),
        };
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = set.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null,
                OwnerReferences = [Owner(set)],
            },
            Spec = spec,
        };
        try
        {
            await client.CoreV1.CreateNamespacedPodAsync(pod, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (Ignorable(e))
        {
            // The pod still exists (terminating, or created since our list): the next pass sees it.
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

    private async Task EnsureClaimsAsync(V1StatefulSet set, int replicas, List<V1PersistentVolumeClaim> claims, CancellationToken ct)
    {
        var deleteWithSet = set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted == "Delete";
        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            for (var i = 0; i < replicas; i++)
            {
                var name = ClaimName(template.Metadata.Name, set, i);
                if (claims.Any(c => c.Metadata.Name == name))
                {
                    continue;
                }

                var labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>());
                foreach (var (k, v) in set.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>())
                {
                    labels[k] = v;
                }

                var claim = new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = name,
                        NamespaceProperty = set.Metadata.NamespaceProperty,
                        Labels = labels,
                        Annotations = template.Metadata.Annotations,
                        OwnerReferences = deleteWithSet ? [Owner(set)] : null,
                    },
                    Spec = template.Spec,
                };
                try
                {
                    await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
                }
                catch (HttpOperationException e) when (Ignorable(e))
                {
                    // Created since our list.
                }
            }
        }
    }

    /// <summary>whenScaled: Delete removes the claims of ordinals at or above the new replica count once their pods are gone.</summary>
    private async Task CleanUpScaledClaimsAsync(V1StatefulSet set, int replicas, SortedDictionary<int, V1Pod> pods, List<V1PersistentVolumeClaim> claims, CancellationToken ct)
    {
        if (set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenScaled != "Delete")
        {
            return;
        }

        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            var prefix = template.Metadata.Name + "-" + set.Metadata.Name + "-";
            foreach (var claim in claims.Where(c => c.Metadata.Name.StartsWith(prefix, StringComparison.Ordinal) && c.Metadata.DeletionTimestamp is null))
            {
                if (int.TryParse(claim.Metadata.Name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
                    && ordinal >= replicas && !pods.ContainsKey(ordinal))
                {
                    try
                    {
                        await client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync(claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
                    }
                    catch (HttpOperationException e) when (Ignorable(e))
                    {
                        // Already gone.
                    }
                }
            }
        }
    }

    /// <summary>
    /// Writes status as the real controller computes it. As in Kubernetes, currentRevision only advances to the update
    /// revision at the end of a RollingUpdate; with OnDelete it stays where it was (a known upstream behaviour).
    /// </summary>
    private async Task UpdateStatusAsync(V1StatefulSet set, List<V1Pod> pods, string current, string update, bool onDelete, CancellationToken ct)
    {
        var status = new V1StatefulSetStatus
        {
            ObservedGeneration = set.Metadata.Generation,
            Replicas = pods.Count,
            ReadyReplicas = pods.Count(PodReadiness.IsReady),
            AvailableReplicas = pods.Count(PodReadiness.IsReady),
            CurrentReplicas = pods.Count(p => p.Metadata.DeletionTimestamp is null && RevisionOf(p) == current),
            UpdatedReplicas = pods.Count(p => p.Metadata.DeletionTimestamp is null && RevisionOf(p) == update),
            CurrentRevision = current,
            UpdateRevision = update,
            CollisionCount = set.Status?.CollisionCount ?? 0,
        };
        var replicas = set.Spec.Replicas ?? 1;
        if (!onDelete && status.UpdatedReplicas == replicas && status.ReadyReplicas == replicas && status.Replicas == replicas)
        {
            status.CurrentRevision = update;
            status.CurrentReplicas = status.UpdatedReplicas;
        }

        var old = set.Status;
        if (old is not null && old.ObservedGeneration == status.ObservedGeneration && old.Replicas == status.Replicas
            && old.ReadyReplicas == status.ReadyReplicas && old.AvailableReplicas == status.AvailableReplicas
            && old.CurrentReplicas == status.CurrentReplicas && old.UpdatedReplicas == status.UpdatedReplicas
            && old.CurrentRevision == status.CurrentRevision && old.UpdateRevision == status.UpdateRevision)
        {
            return;
        }

        var body = KubernetesJson.Serialize(new V1StatefulSet { Status = status });
        try
        {
            await client.AppsV1.PatchNamespacedStatefulSetStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch),
                set.Metadata.Name, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (Ignorable(e))
        {
            // Deleted meanwhile.
        }
    }
}

using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Local;

/// <summary>
/// A small StatefulSet controller for the local platform, talking to any API server through KubernetesClient:
/// controller revisions, pods by ordinal (OrderedReady or Parallel), OnDelete and RollingUpdate strategies, claims from
/// volumeClaimTemplates with their retention policy, and status. One reconcile loop; watches only wake it up.
/// </summary>
public sealed partial class StatefulSetController(IKubernetes client, StatefulSetControllerOptions? options = null)
{
    /// <summary>The pod label naming the ControllerRevision a pod was made from.</summary>
    public const string RevisionLabel = "controller-revision-hash";

    /// <summary>The pod label carrying the pod's own name (services can select one pod by it).</summary>
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";

    /// <summary>The pod label carrying the pod's ordinal.</summary>
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    private readonly StatefulSetControllerOptions _options = options ?? new StatefulSetControllerOptions();
    /// <summary>Reconciles until cancelled: on every watch event, and at least every resync interval.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var loop = new WakeLoop(_options.ResyncInterval, _options.WatchRetryDelay);
        var ns = _options.Namespace;
        return loop.RunAsync(ReconcileAllAsync,
        [
            loop.Signal(ct => ns is null
                ? client.AppsV1.WatchListStatefulSetForAllNamespacesAsync(cancellationToken: ct)
                : client.AppsV1.WatchListNamespacedStatefulSetAsync(ns, cancellationToken: ct)),
            loop.Signal(ct => ns is null
                ? client.CoreV1.WatchListPodForAllNamespacesAsync(cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedPodAsync(ns, cancellationToken: ct)),
        ], cancellationToken);
    }

    /// <summary>One pass over every StatefulSet.</summary>
    public async Task ReconcileAllAsync(CancellationToken cancellationToken = default)
    {
        var ns = _options.Namespace;
        var sets = ns is null
            ? await client.AppsV1.ListStatefulSetForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.AppsV1.ListNamespacedStatefulSetAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (sets.Items.Count == 0)
        {
            return;
        }

        var pods = ns is null
            ? await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        var revisions = ns is null
            ? await client.AppsV1.ListControllerRevisionForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.AppsV1.ListNamespacedControllerRevisionAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        IList<V1PersistentVolumeClaim> claims = [];
        if (sets.Items.Any(s => s.Spec.VolumeClaimTemplates is { Count: > 0 }))
        {
            claims = (ns is null
                ? await client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
        }

        foreach (var set in sets.Items)
        {
            if (set.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var uid = set.Metadata.Uid;
            await ReconcileAsync(
                set,
                pods.Items.Where(p => OwnedBy(p.Metadata, uid)).ToList(),
                revisions.Items.Where(r => OwnedBy(r.Metadata, uid)).ToList(),
                claims.Where(c => c.Metadata.NamespaceProperty == set.Metadata.NamespaceProperty).ToList(),
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool OwnedBy(V1ObjectMeta meta, string uid) =>
        meta.OwnerReferences?.Any(o => o.Uid == uid && o.Controller == true) == true;

    /// <summary>The ordinal of a pod named "&lt;set&gt;-&lt;n&gt;", or -1.</summary>
    internal static int OrdinalOf(V1StatefulSet set, V1Pod pod)
    {
        var prefix = set.Metadata.Name + "-";
        var name = pod.Metadata.Name;
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    private static bool Ignorable(HttpOperationException e) =>
        e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound;
}

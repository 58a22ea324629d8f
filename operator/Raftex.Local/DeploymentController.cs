using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Local;

/// <summary>
/// The local platform's Deployment and ReplicaSet controllers in one loop: a Deployment owns one ReplicaSet per pod
/// template (named &lt;deployment&gt;-&lt;pod-template-hash&gt;), rolled with the Recreate or RollingUpdate strategy;
/// a ReplicaSet keeps its number of pods (&lt;replicaset&gt;-&lt;random&gt;). Talks to any API server through KubernetesClient.
/// </summary>
public sealed partial class DeploymentController(IKubernetes client, DeploymentControllerOptions? options = null)
{
    /// <summary>The label tying ReplicaSets and their pods to one pod template of a Deployment.</summary>
    public const string TemplateHashLabel = "pod-template-hash";

    /// <summary>The annotation numbering a Deployment's ReplicaSets in creation order.</summary>
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    private readonly DeploymentControllerOptions _options = options ?? new DeploymentControllerOptions();

    /// <summary>Reconciles until cancelled: on every watch event, and at least every resync interval.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var loop = new WakeLoop(_options.ResyncInterval, _options.WatchRetryDelay);
        var ns = _options.Namespace;
        return loop.RunAsync(ReconcileAllAsync,
        [
            loop.Signal(ct => ns is null
                ? client.AppsV1.WatchListDeploymentForAllNamespacesAsync(cancellationToken: ct)
                : client.AppsV1.WatchListNamespacedDeploymentAsync(ns, cancellationToken: ct)),
            loop.Signal(ct => ns is null
                ? client.AppsV1.WatchListReplicaSetForAllNamespacesAsync(cancellationToken: ct)
                : client.AppsV1.WatchListNamespacedReplicaSetAsync(ns, cancellationToken: ct)),
            loop.Signal(ct => ns is null
                ? client.CoreV1.WatchListPodForAllNamespacesAsync(cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedPodAsync(ns, cancellationToken: ct)),
        ], cancellationToken);
    }

    /// <summary>One pass: Deployments first (they size ReplicaSets), then ReplicaSets (they make pods).</summary>
    public async Task ReconcileAllAsync(CancellationToken cancellationToken = default)
    {
        var ns = _options.Namespace;
        var deployments = (ns is null
            ? await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
        var sets = (ns is null
            ? await client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.AppsV1.ListNamespacedReplicaSetAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
        if (deployments.Count == 0 && sets.Count == 0)
        {
            return;
        }

        var pods = (ns is null
            ? await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items;

        foreach (var deployment in deployments.Where(d => d.Metadata.DeletionTimestamp is null))
        {
            var owned = sets.Where(s => OwnedBy(s.Metadata, deployment.Metadata.Uid)).ToList();
            await ReconcileDeploymentAsync(deployment, owned, pods, cancellationToken).ConfigureAwait(false);
        }

        // Re-read: the pass above may have created or resized ReplicaSets.
        sets = (ns is null
            ? await client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.AppsV1.ListNamespacedReplicaSetAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
        foreach (var set in sets.Where(s => s.Metadata.DeletionTimestamp is null))
        {
            await ReconcileReplicaSetAsync(set, pods.Where(p => OwnedBy(p.Metadata, set.Metadata.Uid)).ToList(), cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool OwnedBy(V1ObjectMeta meta, string uid) =>
        meta.OwnerReferences?.Any(o => o.Uid == uid && o.Controller == true) == true;

    private static bool Ignorable(HttpOperationException e) =>
        e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound;

    private static V1OwnerReference Owner(string kind, V1ObjectMeta meta) => new()
    {
        ApiVersion = "apps/v1",
        Kind = kind,
        Name = meta.Name,
        Uid = meta.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>An IntOrString of a rollout (2 or "25%") against a replica count; percentages round up for surge, down for unavailability.</summary>
    internal static int Resolve(IntOrString? value, int replicas, bool roundUp, int fallbackPercent)
    {
        var text = value?.Value ?? $"{fallbackPercent}%";
        if (text.EndsWith('%') && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
        {
            var exact = replicas * percent / 100.0;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }
}

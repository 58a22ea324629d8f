using k8s;
using k8s.Models;

namespace Raftex.Operator.Hosting;

/// <summary>List/watch sources for the children of ExchangeClusters, in one namespace or all.</summary>
public static class ChildSources
{
    /// <summary>Pods of clusters.</summary>
    public static ChildListWatch<V1Pod> Pods(IKubernetes kube, string? ns) => new(
        async (selector, ct) =>
        {
            var l = ns is null
                ? await kube.CoreV1.ListPodForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct).ConfigureAwait(false)
                : await kube.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
            return (l.Items.ToList(), l.Metadata.ResourceVersion);
        },
        (selector, rv, ct) => ns is null
            ? kube.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct)
            : kube.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct));

    /// <summary>StatefulSets of clusters.</summary>
    public static ChildListWatch<V1StatefulSet> StatefulSets(IKubernetes kube, string? ns) => new(
        async (selector, ct) =>
        {
            var l = ns is null
                ? await kube.AppsV1.ListStatefulSetForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct).ConfigureAwait(false)
                : await kube.AppsV1.ListNamespacedStatefulSetAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
            return (l.Items.ToList(), l.Metadata.ResourceVersion);
        },
        (selector, rv, ct) => ns is null
            ? kube.AppsV1.WatchListStatefulSetForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct)
            : kube.AppsV1.WatchListNamespacedStatefulSetAsync(ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct));

    /// <summary>Services of clusters.</summary>
    public static ChildListWatch<V1Service> Services(IKubernetes kube, string? ns) => new(
        async (selector, ct) =>
        {
            var l = ns is null
                ? await kube.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct).ConfigureAwait(false)
                : await kube.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
            return (l.Items.ToList(), l.Metadata.ResourceVersion);
        },
        (selector, rv, ct) => ns is null
            ? kube.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct)
            : kube.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct));

    /// <summary>ConfigMaps of clusters.</summary>
    public static ChildListWatch<V1ConfigMap> ConfigMaps(IKubernetes kube, string? ns) => new(
        async (selector, ct) =>
        {
            var l = ns is null
                ? await kube.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct).ConfigureAwait(false)
                : await kube.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
            return (l.Items.ToList(), l.Metadata.ResourceVersion);
        },
        (selector, rv, ct) => ns is null
            ? kube.CoreV1.WatchListConfigMapForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct)
            : kube.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct));

    /// <summary>Deployments of agent fleets.</summary>
    public static ChildListWatch<V1Deployment> Deployments(IKubernetes kube, string? ns) => new(
        async (selector, ct) =>
        {
            var l = ns is null
                ? await kube.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct).ConfigureAwait(false)
                : await kube.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
            return (l.Items.ToList(), l.Metadata.ResourceVersion);
        },
        (selector, rv, ct) => ns is null
            ? kube.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct)
            : kube.AppsV1.WatchListNamespacedDeploymentAsync(ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, cancellationToken: ct),
        Builders.AgentFleetBuilder.FleetLabel);
}

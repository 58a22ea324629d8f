using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Operator.Reconciling;

/// <summary>
/// Creates or corrects the cluster's children: a missing child is created, a child whose owned fields drifted
/// (edited by hand, or a new spec) is replaced with the resourceVersion it was read at. Fields the server or
/// other controllers own (Service clusterIP, StatefulSet status, claim templates) are kept.
/// </summary>
public sealed class ChildApplier(IKubernetes kube)
{
    /// <summary>Ensures the ConfigMap; returns whether it was created or corrected.</summary>
    public Task<bool> ConfigMapAsync(V1ConfigMap desired, CancellationToken ct) => EnsureAsync(
        desired,
        () => kube.CoreV1.ReadNamespacedConfigMapAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        () => kube.CoreV1.CreateNamespacedConfigMapAsync(desired, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        actual => !Same(actual.Data, desired.Data),
        actual =>
        {
            actual.Data = desired.Data;
            return kube.CoreV1.ReplaceNamespacedConfigMapAsync(actual, actual.Metadata.Name, actual.Metadata.NamespaceProperty, cancellationToken: ct);
        });

    /// <summary>Ensures a Service.</summary>
    public Task<bool> ServiceAsync(V1Service desired, CancellationToken ct) => EnsureAsync(
        desired,
        () => kube.CoreV1.ReadNamespacedServiceAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        () => kube.CoreV1.CreateNamespacedServiceAsync(desired, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        actual => !Same(actual.Spec.Selector, desired.Spec.Selector)
            || (actual.Spec.Type ?? "ClusterIP") != (desired.Spec.Type ?? "ClusterIP")
            || (actual.Spec.PublishNotReadyAddresses ?? false) != (desired.Spec.PublishNotReadyAddresses ?? false)
            || PortsOf(actual.Spec.Ports) != PortsOf(desired.Spec.Ports),
        actual =>
        {
            actual.Spec.Selector = desired.Spec.Selector;
            actual.Spec.Type = desired.Spec.Type;
            actual.Spec.PublishNotReadyAddresses = desired.Spec.PublishNotReadyAddresses;
            actual.Spec.Ports = desired.Spec.Ports;
            return kube.CoreV1.ReplaceNamespacedServiceAsync(actual, actual.Metadata.Name, actual.Metadata.NamespaceProperty, cancellationToken: ct);
        });

    /// <summary>Ensures the PodDisruptionBudget.</summary>
    public Task<bool> DisruptionBudgetAsync(V1PodDisruptionBudget desired, CancellationToken ct) => EnsureAsync(
        desired,
        () => kube.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        () => kube.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(desired, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        actual => actual.Spec.MinAvailable?.Value != desired.Spec.MinAvailable?.Value || !Same(actual.Spec.Selector?.MatchLabels, desired.Spec.Selector.MatchLabels),
        actual =>
        {
            actual.Spec.MinAvailable = desired.Spec.MinAvailable;
            actual.Spec.MaxUnavailable = null;
            actual.Spec.Selector = desired.Spec.Selector;
            return kube.PolicyV1.ReplaceNamespacedPodDisruptionBudgetAsync(actual, actual.Metadata.Name, actual.Metadata.NamespaceProperty, cancellationToken: ct);
        });

    /// <summary>Deletes the PodDisruptionBudget if present (a single voter has no quorum to protect).</summary>
    public async Task DeleteDisruptionBudgetAsync(string name, string ns, CancellationToken ct)
    {
        try
        {
            await kube.PolicyV1.DeleteNamespacedPodDisruptionBudgetAsync(name, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already absent.
        }
    }

    /// <summary>Ensures the StatefulSet's template, replicas and policies; claim templates are immutable and kept.</summary>
    public Task<bool> StatefulSetAsync(V1StatefulSet desired, CancellationToken ct) => EnsureAsync(
        desired,
        () => kube.AppsV1.ReadNamespacedStatefulSetAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        () => kube.AppsV1.CreateNamespacedStatefulSetAsync(desired, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        actual => actual.Spec.Replicas != desired.Spec.Replicas
            || KubernetesJson.Serialize(actual.Spec.Template) != KubernetesJson.Serialize(desired.Spec.Template)
            || actual.Spec.UpdateStrategy?.Type != desired.Spec.UpdateStrategy.Type
            || KubernetesJson.Serialize(actual.Spec.PersistentVolumeClaimRetentionPolicy) != KubernetesJson.Serialize(desired.Spec.PersistentVolumeClaimRetentionPolicy),
        actual =>
        {
            actual.Spec.Replicas = desired.Spec.Replicas;
            actual.Spec.Template = desired.Spec.Template;
            actual.Spec.UpdateStrategy = desired.Spec.UpdateStrategy;
            actual.Spec.PersistentVolumeClaimRetentionPolicy = desired.Spec.PersistentVolumeClaimRetentionPolicy;
            return kube.AppsV1.ReplaceNamespacedStatefulSetAsync(actual, actual.Metadata.Name, actual.Metadata.NamespaceProperty, cancellationToken: ct);
        });

    /// <summary>
    /// Ensures a Deployment's replicas, template and strategy. The template is compared by the hash the builder put in
    /// <see cref="Builders.AgentFleetBuilder.TemplateHash"/>, since the API server fills defaults into the stored one.
    /// </summary>
    public Task<bool> DeploymentAsync(V1Deployment desired, CancellationToken ct) => EnsureAsync(
        desired,
        () => kube.AppsV1.ReadNamespacedDeploymentAsync(desired.Metadata.Name, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        () => kube.AppsV1.CreateNamespacedDeploymentAsync(desired, desired.Metadata.NamespaceProperty, cancellationToken: ct),
        actual => actual.Spec.Replicas != desired.Spec.Replicas
            || (actual.Metadata.Annotations?.TryGetValue(Builders.AgentFleetBuilder.TemplateHash, out var hash) == true ? hash : null) != desired.Metadata.Annotations[Builders.AgentFleetBuilder.TemplateHash]
            || actual.Spec.Strategy?.Type != desired.Spec.Strategy.Type,
        actual =>
        {
            actual.Metadata.Annotations ??= new Dictionary<string, string>();
            actual.Metadata.Annotations[Builders.AgentFleetBuilder.TemplateHash] = desired.Metadata.Annotations[Builders.AgentFleetBuilder.TemplateHash];
            actual.Spec.Replicas = desired.Spec.Replicas;
            actual.Spec.Template = desired.Spec.Template;
            actual.Spec.Strategy = desired.Spec.Strategy;
            return kube.AppsV1.ReplaceNamespacedDeploymentAsync(actual, actual.Metadata.Name, actual.Metadata.NamespaceProperty, cancellationToken: ct);
        });

    private static async Task<bool> EnsureAsync<T>(T desired, Func<Task<T>> read, Func<Task<T>> create, Func<T, bool> drifted, Func<T, Task<T>> replace)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        T actual;
        try
        {
            actual = await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await create().ConfigureAwait(false);
            return true;
        }

        var ownerMissing = actual.Metadata.OwnerReferences?.Any(o => o.Uid == desired.Metadata.OwnerReferences[0].Uid) != true;
        var labelsDrifted = desired.Metadata.Labels.Any(l => actual.Metadata.Labels?.TryGetValue(l.Key, out var v) != true || v != l.Value);
        if (!drifted(actual) && !ownerMissing && !labelsDrifted)
        {
            return false;
        }

        actual.Metadata.Labels ??= new Dictionary<string, string>();
        foreach (var (k, v) in desired.Metadata.Labels) { actual.Metadata.Labels[k] = v; }
        actual.Metadata.OwnerReferences = desired.Metadata.OwnerReferences;
        await replace(actual).ConfigureAwait(false);
        return true;
    }

    private static bool Same(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(p => b!.TryGetValue(p.Key, out var v) && v == p.Value));

    private static string PortsOf(IList<V1ServicePort>? ports) =>
        string.Join(",", (ports ?? []).Select(p => $"{p.Name}:{p.Port}:{p.TargetPort?.Value}"));
}

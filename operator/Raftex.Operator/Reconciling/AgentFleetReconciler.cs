using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Operator.Validation;

namespace Raftex.Operator.Reconciling;

/// <summary>
/// Reconciles one AgentFleet: read the ExchangeCluster it names, validate the spec against it, ensure one Deployment
/// per slot (deleting slots beyond spec.replicas), then report ready pods and agents running in status. Readiness is
/// the agents' own: a pod is ready while its agents trade.
/// </summary>
public sealed class AgentFleetReconciler : IReconciler
{
    private readonly IKubernetes _kube;
    private readonly ReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CustomResourceClient<AgentFleet> _fleets;
    private readonly ExchangeClusterClient _clusters;
    private readonly StatusWriter<AgentFleet> _status;
    private readonly ChildApplier _children;
    private readonly EventRecorder _events;

    /// <summary>Creates the reconciler.</summary>
    public AgentFleetReconciler(IKubernetes kube, TimeProvider? time = null, ReconcilerOptions? options = null, ILogger? logger = null)
    {
        _kube = kube ?? throw new ArgumentNullException(nameof(kube));
        _time = time ?? TimeProvider.System;
        _options = options ?? new ReconcilerOptions();
        _logger = logger ?? NullLogger.Instance;
        _fleets = new CustomResourceClient<AgentFleet>(kube, AgentFleet.Plural);
        _clusters = new ExchangeClusterClient(kube);
        _status = new StatusWriter<AgentFleet>(_fleets, new StatusWriterOptions(), _time, _logger);
        _children = new ChildApplier(kube);
        _events = new EventRecorder(new KubernetesEventSink(kube), "raftex-operator", time: _time, logger: _logger);
    }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var fleet = await _fleets.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (fleet is null || fleet.Metadata.DeletionTimestamp is not null)
        {
            // Deployments go with their owner through garbage collection.
            return ReconcileResult.Done;
        }

        return await ApiErrors.GuardAsync(() => ReconcileFleetAsync(fleet, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> ReconcileFleetAsync(AgentFleet fleet, CancellationToken ct)
    {
        var ns = fleet.Metadata.NamespaceProperty;
        var cluster = await _clusters.GetAsync(new ObjectKey(ns, fleet.Spec.ClusterRef), ct).ConfigureAwait(false);
        if (cluster is null)
        {
            await StoppedAsync(fleet, "ClusterNotFound", $"ExchangeCluster {fleet.Spec.ClusterRef} not found in namespace {ns}", ct).ConfigureAwait(false);
            // Nothing watches ExchangeClusters on a fleet's behalf, so look again soon.
            return ReconcileResult.RequeueAfter(_options.ActivePoll);
        }

        var validation = AgentFleetValidator.Validate(fleet.Spec, cluster);
        if (!validation.IsValid)
        {
            await StoppedAsync(fleet, "InvalidSpec", validation.ErrorSummary, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var desired = AgentFleetBuilder.Build(fleet, cluster);
        foreach (var deployment in desired)
        {
            if (await _children.DeploymentAsync(deployment, ct).ConfigureAwait(false))
            {
                await RecordAsync(fleet, EventType.Normal, "DeploymentApplied", $"Deployment {deployment.Metadata.Name} created or updated", ct).ConfigureAwait(false);
            }
        }

        var existing = await _kube.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: $"{AgentFleetBuilder.FleetLabel}={fleet.Metadata.Name}", cancellationToken: ct).ConfigureAwait(false);
        var kept = new List<V1Deployment>();
        foreach (var d in existing.Items)
        {
            var owned = d.Metadata.OwnerReferences?.Any(o => o.Uid == fleet.Metadata.Uid) == true;
            var slot = d.Metadata.Labels?.TryGetValue(AgentFleetBuilder.SlotLabel, out var text) == true
                && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1;
            if (owned && slot >= desired.Count)
            {
                await DeleteAsync(d, ct).ConfigureAwait(false);
                await RecordAsync(fleet, EventType.Normal, "ScaledDown", $"Deployment {d.Metadata.Name} deleted (slot {slot} ≥ {desired.Count} replicas)", ct).ConfigureAwait(false);
            }
            else if (owned)
            {
                kept.Add(d);
            }
        }

        var perPod = AgentFleetBuilder.AgentsPerPod(fleet.Spec);
        var ready = kept.Sum(d => d.Status?.ReadyReplicas ?? 0);
        var generation = fleet.Metadata.Generation;
        var now = _time.GetUtcNow().UtcDateTime;
        var available = ready >= desired.Count;
        var progressing = kept.Count != desired.Count || kept.Any(d => (d.Status?.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0) || (d.Status?.UpdatedReplicas ?? 0) < 1);
        await WriteStatusAsync(fleet, s =>
        {
            var conditions = ClusterConditions.Set(s.Conditions, ClusterConditions.Available, available,
                available ? "AllPodsTrading" : "PodsNotReady", $"{ready} of {desired.Count} pods ready, {perPod} agents each", generation, now);
            conditions = ClusterConditions.Set(conditions, ClusterConditions.Progressing, progressing,
                progressing ? "RollingOut" : "Converged", progressing ? "Deployments are being created or updated" : "every slot runs the current spec", generation, now);
            conditions = ClusterConditions.Set(conditions, ClusterConditions.Degraded, false, "AsExpected", "spec valid and cluster found", generation, now);
            return s with
            {
                Replicas = kept.Sum(d => d.Status?.Replicas ?? 0),
                ReadyReplicas = ready,
                AgentsPerPod = perPod,
                AgentsRunning = (long)ready * perPod,
                ClusterAddress = AgentFleetBuilder.ClusterAddress(cluster),
                ObservedGeneration = generation,
                Conditions = conditions,
            };
        }, ct).ConfigureAwait(false);
        return ReconcileResult.RequeueAfter(available && !progressing ? _options.SteadyPoll : _options.ActivePoll);
    }

    /// <summary>The fleet cannot be reconciled as it stands: say why in status, and change no child.</summary>
    private async Task StoppedAsync(AgentFleet fleet, string reason, string message, CancellationToken ct)
    {
        var generation = fleet.Metadata.Generation;
        var now = _time.GetUtcNow().UtcDateTime;
        var written = await WriteStatusAsync(fleet, s => s with
        {
            ObservedGeneration = generation,
            Conditions = ClusterConditions.Set(
                ClusterConditions.Set(
                    ClusterConditions.Set(s.Conditions, ClusterConditions.Degraded, true, reason, message, generation, now),
                    ClusterConditions.Progressing, false, reason, message, generation, now),
                ClusterConditions.Available, false, reason, message, generation, now),
        }, ct).ConfigureAwait(false);
        if (written)
        {
            await RecordAsync(fleet, EventType.Warning, reason, message, ct).ConfigureAwait(false);
        }
    }

    private async Task DeleteAsync(V1Deployment deployment, CancellationToken ct)
    {
        try
        {
            await _kube.AppsV1.DeleteNamespacedDeploymentAsync(deployment.Metadata.Name, deployment.Metadata.NamespaceProperty,
                propagationPolicy: "Foreground", cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    private async Task RecordAsync(AgentFleet fleet, EventType type, string reason, string message, CancellationToken ct)
    {
        _logger.LogInformation("Event {Reason} on {Fleet}: {Message}", reason, fleet.Metadata.Name, message);
        await _events.RecordAsync(fleet, type, reason, message, ct).ConfigureAwait(false);
    }

    /// <summary>Writes status; returns whether anything changed (so a repeated failure is one Event, not one per reconcile).</summary>
    private async Task<bool> WriteStatusAsync(AgentFleet fleet, Func<AgentFleetStatus, AgentFleetStatus> mutate, CancellationToken ct)
    {
        var result = await _status.WriteAsync(fleet, f => f.Status = mutate(f.Status ?? new AgentFleetStatus()), ct).ConfigureAwait(false);
        return result.Outcome == StatusWriteOutcome.Written;
    }
}

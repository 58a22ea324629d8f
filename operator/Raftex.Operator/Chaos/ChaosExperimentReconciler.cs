using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Chaos;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Chaos;

/// <summary>
/// Reconciles one ChaosExperiment: one engine step per reconcile, its progress written to status before the next,
/// so a restarted operator resumes from status (and a deleted experiment is healed by the finalizer). Only one
/// experiment holds a cluster at a time; the others wait in Pending with a Selected=False condition naming it.
/// </summary>
public sealed class ChaosExperimentReconciler : IReconciler, IFinalizer<ChaosExperiment>
{
    /// <summary>The finalizer that heals an experiment deleted before its end.</summary>
    public const string FinalizerName = "raftex.io/chaos-heal";

    private static readonly TimeSpan WaitPoll = TimeSpan.FromSeconds(5);

    private readonly IKubernetes _kube;
    private readonly IAdminConnector _admin;
    private readonly IProbeConnector _probes;
    private readonly TimeProvider _time;
    private readonly ChaosEngineOptions _options;
    private readonly Func<Random> _random;
    private readonly ILogger _logger;
    private readonly CustomResourceClient<ChaosExperiment> _experiments;
    private readonly ExchangeClusterClient _clusters;
    private readonly StatusWriter<ChaosExperiment> _status;
    private readonly EventRecorder _events;
    // Held while an experiment checks that its cluster is free and claims it, so two workers cannot both claim one cluster.
    private readonly ConcurrentDictionary<(string Namespace, string Cluster), SemaphoreSlim> _claims = new();

    /// <summary>Creates the reconciler.</summary>
    public ChaosExperimentReconciler(IKubernetes kube, IAdminConnector admin, IProbeConnector probes, TimeProvider? time = null,
        ChaosEngineOptions? options = null, Func<Random>? random = null, ILogger? logger = null)
    {
        _kube = kube ?? throw new ArgumentNullException(nameof(kube));
        _admin = admin ?? throw new ArgumentNullException(nameof(admin));
        _probes = probes ?? throw new ArgumentNullException(nameof(probes));
        _time = time ?? TimeProvider.System;
        _options = options ?? new ChaosEngineOptions();
        _random = random ?? (() => new Random());
        _logger = logger ?? NullLogger.Instance;
        _experiments = new CustomResourceClient<ChaosExperiment>(kube, ChaosExperiment.Plural);
        _clusters = new ExchangeClusterClient(kube);
        _status = new StatusWriter<ChaosExperiment>(_experiments, time: _time, logger: _logger);
        _events = new EventRecorder(new KubernetesEventSink(kube), "raftex-operator", time: _time, logger: _logger);
    }

    /// <inheritdoc />
    public string Name => FinalizerName;

    /// <summary>The ChaosExperiment API client this reconciler uses (for the controller's finalizer edits).</summary>
    public IResourceClient<ChaosExperiment> Client => _experiments;

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var experiment = await _experiments.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (experiment is null || experiment.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        try
        {
            return await ReconcileExperimentAsync(experiment, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return ReconcileResult.RequeueAfter(TimeSpan.Zero);
        }
        catch (HttpOperationException e)
        {
            return ReconcileResult.Error($"{e.Response.StatusCode}: {e.Response.Content}");
        }
    }

    /// <summary>Heals an experiment deleted while it may hold faults; the faults expire by themselves if a node cannot be reached.</summary>
    public async Task<ReconcileResult> FinalizeAsync(ChaosExperiment resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!ChaosConditions.IsActive(resource.Status) || await ClusterOfAsync(resource, cancellationToken).ConfigureAwait(false) is not { } cluster)
        {
            return ReconcileResult.Done;
        }

        var engine = Engine(cluster);
        var failures = await engine.HealAsync(resource.Status!, cancellationToken).ConfigureAwait(false);
        await RecordAsync(resource, new ChaosEvent("HealedOnDelete",
            failures.Count == 0 ? "deleted before its end: every fault cleared" : "deleted before its end: " + string.Join("; ", failures), failures.Count > 0), cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> ReconcileExperimentAsync(ChaosExperiment experiment, CancellationToken ct)
    {
        var status = experiment.Status;
        if (ChaosEngine.IsFinished(status))
        {
            if (status!.ObservedGeneration is not { } observed || experiment.Metadata.Generation is not { } generation || generation <= observed)
            {
                return ReconcileResult.Done;
            }

            // The spec was edited after the end (a fixed schedule, another action): the edited experiment runs anew.
            experiment.Status = status with { Phase = ChaosPhase.Pending, NextRunAt = null };
            await RecordAsync(experiment, new ChaosEvent("SpecChanged", $"spec generation {generation} differs from the one that ran ({observed}): starting over"), ct).ConfigureAwait(false);
        }

        var cluster = await ClusterOfAsync(experiment, ct).ConfigureAwait(false);
        if (cluster is null)
        {
            return await WaitAsync(experiment, "ClusterNotFound", $"ExchangeCluster {experiment.Spec.ClusterRef} not found in namespace {experiment.Metadata.NamespaceProperty}", ct).ConfigureAwait(false);
        }

        // A run in progress owns the cluster already; a schedule that is not due touches no node.
        if (ChaosConditions.IsActive(experiment.Status) || ChaosEngine.WaitsForSchedule(experiment.Spec, experiment.Status, _time.GetUtcNow().UtcDateTime))
        {
            return await StepAsync(experiment, cluster, ct).ConfigureAwait(false);
        }

        // Starting: claim the cluster, or wait for whoever holds it.
        var claim = _claims.GetOrAdd((experiment.Metadata.NamespaceProperty, cluster.Metadata.Name), _ => new SemaphoreSlim(1, 1));
        await claim.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (await HolderAsync(experiment, ct).ConfigureAwait(false) is { } holder)
            {
                return await WaitAsync(experiment, "WaitingForExperiment", $"experiment {holder} holds cluster {cluster.Metadata.Name}; this one starts when it ends", ct).ConfigureAwait(false);
            }

            if (cluster.Status?.Progress is { } progress)
            {
                return await WaitAsync(experiment, "WaitingForClusterOperation", $"cluster {cluster.Metadata.Name} is busy with a {progress.Kind}; injecting now would measure the operation, not the fault", ct).ConfigureAwait(false);
            }

            return await StepAsync(experiment, cluster, ct).ConfigureAwait(false);
        }
        finally
        {
            claim.Release();
        }
    }

    private async Task<ReconcileResult> StepAsync(ChaosExperiment experiment, ExchangeCluster cluster, CancellationToken ct)
    {
        var step = await Engine(cluster).StepAsync(experiment.Spec, experiment.Status, ct).ConfigureAwait(false);
        var written = await _status.WriteAsync(experiment, e => e.Status = step.Status, ct).ConfigureAwait(false);
        if (written.Outcome == StatusWriteOutcome.NotFound)
        {
            return ReconcileResult.Done;
        }

        ChaosMetrics.RecordInjections(experiment.Spec.Action?.ToString() ?? "Unknown", step.Injections);
        foreach (var e in step.Events)
        {
            await RecordAsync(written.Object ?? experiment, e, ct).ConfigureAwait(false);
        }

        return step.Finished ? ReconcileResult.Done : ReconcileResult.RequeueAfter(step.Wait);
    }

    private async Task<ReconcileResult> WaitAsync(ChaosExperiment experiment, string reason, string message, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var before = experiment.Status?.Conditions?.FirstOrDefault(c => c.Type == ChaosConditions.Selected);
        await _status.WriteAsync(experiment, e => e.Status = (e.Status ?? new ChaosExperimentStatus()) with
        {
            Phase = ChaosPhase.Pending,
            Conditions = ChaosConditions.Set(e.Status?.Conditions, ChaosConditions.Selected, false, reason, message, now),
        }, ct).ConfigureAwait(false);
        if (before?.Reason != reason)
        {
            await RecordAsync(experiment, new ChaosEvent(reason, message), ct).ConfigureAwait(false);
        }

        return ReconcileResult.RequeueAfter(WaitPoll);
    }

    // The name of another experiment that holds the same cluster, if any.
    private async Task<string?> HolderAsync(ChaosExperiment experiment, CancellationToken ct)
    {
        var all = await ActiveExperiments.ListAsync(_kube, experiment.Metadata.NamespaceProperty, ct).ConfigureAwait(false);
        return all.FirstOrDefault(e => e.Spec.ClusterRef == experiment.Spec.ClusterRef && e.Metadata.Uid != experiment.Metadata.Uid)?.Metadata.Name;
    }

    private async Task<ExchangeCluster?> ClusterOfAsync(ChaosExperiment experiment, CancellationToken ct) =>
        string.IsNullOrEmpty(experiment.Spec.ClusterRef)
            ? null
            : await _clusters.GetAsync(new ObjectKey(experiment.Metadata.NamespaceProperty, experiment.Spec.ClusterRef), ct).ConfigureAwait(false);

    private ChaosEngine Engine(ExchangeCluster cluster) =>
        new(new PodChaosCluster(_kube, _admin, cluster, _probes.For(cluster)), _time, _random(), _options);

    private async Task RecordAsync(ChaosExperiment experiment, ChaosEvent e, CancellationToken ct)
    {
        _logger.LogInformation("Event {Reason} on chaos experiment {Experiment}: {Message}", e.Reason, experiment.Metadata.Name, e.Message);
        await _events.RecordAsync(experiment, e.Warning ? EventType.Warning : EventType.Normal, e.Reason, e.Message, ct).ConfigureAwait(false);
    }
}

using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Client;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;
using Raftex.Operator.Builders;
using Raftex.Operator.Chaos;
using Raftex.Operator.Planning;
using Raftex.Operator.Recovery;
using Raftex.Operator.Validation;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Reconciling;

/// <summary>
/// Reconciles one ExchangeCluster: validate, bootstrap once, ensure children, observe pods and nodes, ask the
/// planner for the next step, record it in status, then act (one action per reconcile).
/// </summary>
public sealed class ExchangeClusterReconciler : IReconciler
{
    private static readonly HashSet<string> VolatileFields = new(StringComparer.Ordinal)
    {
        "term", "commitIndex", "matchIndex", "lastObservedAt", "message",
    };

    private readonly IKubernetes _kube;
    private readonly IAdminConnector _admin;
    private readonly TimeProvider _time;
    private readonly ReconcilerOptions _options;
    private readonly ILogger _logger;
    private readonly ExchangeClusterClient _clusters;
    private readonly StatusWriter<ExchangeCluster> _status;
    private readonly ChildApplier _children;
    private readonly EventRecorder _events;
    private readonly BackupScheduler _scheduler;
    private readonly ClusterRestore _restore;
    private readonly QuorumGuard _quorum;
    // Workers reconcile different clusters concurrently, so the set of warnings already given is shared state.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Uid, long Generation, string Message), bool> _warned = new();

    /// <summary>Creates the reconciler.</summary>
    public ExchangeClusterReconciler(IKubernetes kube, IAdminConnector admin, TimeProvider? time = null, ReconcilerOptions? options = null, ILogger? logger = null,
        IBackupStoreFactory? backupStores = null)
    {
        _kube = kube ?? throw new ArgumentNullException(nameof(kube));
        _admin = admin ?? throw new ArgumentNullException(nameof(admin));
        _time = time ?? TimeProvider.System;
        _options = options ?? new ReconcilerOptions();
        _logger = logger ?? NullLogger.Instance;
        _clusters = new ExchangeClusterClient(kube);
        _status = new StatusWriter<ExchangeCluster>(_clusters, new StatusWriterOptions { VolatileFields = VolatileFields, VolatileInterval = _options.VolatileStatusInterval }, _time, _logger);
        _children = new ChildApplier(kube);
        _events = new EventRecorder(new KubernetesEventSink(kube), "raftex-operator", time: _time, logger: _logger);
        _scheduler = new BackupScheduler(kube, _time);
        _restore = new ClusterRestore(new CustomResourceClient<ExchangeBackup>(kube, ExchangeBackup.Plural), backupStores ?? new KubernetesBackupStoreFactory(kube));
        _quorum = new QuorumGuard(admin);
    }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var cluster = await _clusters.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (cluster is null || cluster.Metadata.DeletionTimestamp is not null)
        {
            // Children go with their owner through garbage collection.
            return ReconcileResult.Done;
        }

        return await ApiErrors.GuardAsync(() => ReconcileClusterAsync(cluster, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> ReconcileClusterAsync(ExchangeCluster cluster, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var generation = cluster.Metadata.Generation;
        var validation = SpecValidator.Validate(cluster.Spec);
        if (!validation.IsValid)
        {
            await WriteStatusAsync(cluster, s => s with
            {
                Phase = ClusterPhase.Failed,
                Conditions = ClusterConditions.Set(
                    ClusterConditions.Set(s.Conditions, ClusterConditions.Degraded, true, "InvalidSpec", validation.ErrorSummary, generation, now),
                    ClusterConditions.Progressing, false, "InvalidSpec", validation.ErrorSummary, generation, now),
            }, ct).ConfigureAwait(false);
            await WarnOnceAsync(cluster, "InvalidSpec", validation.ErrorSummary, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        foreach (var warning in validation.Warnings)
        {
            await WarnOnceAsync(cluster, "SpecWarning", warning.ToString(), ct).ConfigureAwait(false);
        }

        var settings = ClusterSettings.From(cluster.Spec);
        var name = cluster.Metadata.Name;
        var ns = cluster.Metadata.NamespaceProperty;

        // Bootstrap exactly once: the id is in status before any child that could start a pod exists.
        if (string.IsNullOrEmpty(cluster.Status?.ClusterId))
        {
            var existing = await ReadConfigMapAsync(name, ns, ct).ConfigureAwait(false);
            var clusterId = ConfigMapBuilder.ClusterIdOf(existing) ?? ClusterIdentity.NewClusterId();
            var written = await WriteStatusAsync(cluster, s => s with
            {
                ClusterId = clusterId,
                InitialMembers = s.InitialMembers ?? settings.Replicas,
                Phase = ClusterPhase.Creating,
                Selector = ChildLabels.SelectorString(name),
            }, ct).ConfigureAwait(false);
            if (written is null)
            {
                return ReconcileResult.Done;
            }

            cluster = written;
            await RecordEventAsync(cluster, "Bootstrapping", $"cluster id {clusterId}; {cluster.Status!.InitialMembers} bootstrap members", false, ct).ConfigureAwait(false);
        }

        // Restore: the backup is verified before any child that could start a pod exists; a refused one creates none.
        var (restored, refusal) = await RestoreAsync(cluster, ct).ConfigureAwait(false);
        if (refusal is not null || restored is null)
        {
            return refusal ?? ReconcileResult.Done;
        }

        cluster = restored;
        var identity = new ClusterIdentity(cluster.Status!.ClusterId!, cluster.Status.InitialMembers ?? settings.Replicas);

        // Children.
        var configMap = ConfigMapBuilder.Build(cluster, settings, identity);
        await _children.ConfigMapAsync(configMap, ct).ConfigureAwait(false);
        await _children.ServiceAsync(ServiceBuilder.Peer(cluster, settings), ct).ConfigureAwait(false);
        await _children.ServiceAsync(ServiceBuilder.Client(cluster, settings), ct).ConfigureAwait(false);
        var currentSts = await ReadStatefulSetAsync(name, ns, ct).ConfigureAwait(false);
        var stsReplicas = currentSts?.Spec.Replicas ?? identity.InitialMembers;
        var desiredSts = StatefulSetBuilder.Build(cluster, settings, stsReplicas, ConfigMapBuilder.DataHash(configMap));
        await _children.StatefulSetAsync(desiredSts, ct).ConfigureAwait(false);
        // The budget keeps a quorum of the voters available. Once a scale-down has removed its member from the Raft
        // configuration (status step RemovingReplica), that pod is no longer a voter and the budget shrinks with it,
        // so the eviction that follows is not refused for a pod the cluster no longer counts on.
        var voters = cluster.Status.Progress is { Kind: OperationKind.ScaleDown, Step: OperationStep.RemovingReplica, NodeId: { } removedNode }
            ? Math.Max(settings.Replicas, (int)removedNode - 1)
            : Math.Max(settings.Replicas, stsReplicas);
        if (voters > 1)
        {
            await _children.DisruptionBudgetAsync(DisruptionBudgetBuilder.Build(cluster, voters), ct).ConfigureAwait(false);
        }
        else
        {
            await _children.DeleteDisruptionBudgetAsync(ChildNames.DisruptionBudget(name), ns, ct).ConfigureAwait(false);
        }

        // Observe.
        var targetRevision = desiredSts.Spec.Template.Metadata.Labels[ChildLabels.Revision];
        var pods = await ObservePodsAsync(name, ns, ct).ConfigureAwait(false);
        var (nodes, answers) = await ObserveNodesAsync(cluster, pods, ct).ConfigureAwait(false);
        var quorum = QuorumAssessment.Assess(answers, DeclaredVoters(cluster));
        var quorumLost = _quorum.Confirmed(cluster, quorum, settings, now);
        var approved = (cluster.Metadata.Annotations is { } annotations && annotations.TryGetValue(ChildLabels.ApproveLeaderRestart, out var approval) ? approval : null);
        var observed = new ObservedCluster(name, settings.Replicas, stsReplicas, targetRevision, settings.Strategy, approved,
            settings.MaxLagEntries, settings.PodReadinessTimeout, now, pods, nodes.Values.ToList(), cluster.Status.Progress);
        var plan = ClusterPlanner.Next(observed);

        // Record the step before taking it, so a restarted operator resumes instead of repeating or skipping it.
        var leader = nodes.Values.Where(n => n.Role == RaftRole.Leader).OrderByDescending(n => n.Term).FirstOrDefault();
        var afterStatus = await WriteStatusAsync(cluster, s => WithRestoredCondition(WithQuorumCondition(Describe(s, cluster, plan, observed, leader, generation, now), cluster, quorum, quorumLost, generation, now), generation, now), ct).ConfigureAwait(false);
        if (afterStatus is null)
        {
            return ReconcileResult.Done;
        }

        if (plan.Event is { } evt)
        {
            await RecordEventAsync(afterStatus, evt.Reason, evt.Message, evt.Warning, ct).ConfigureAwait(false);
        }

        if (afterStatus.Metadata.Annotations?.ContainsKey(QuorumGuard.Annotation) == true)
        {
            await RecoverQuorumAsync(afterStatus, settings, quorum, quorumLost, now, ct).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(_options.ActivePoll);
        }

        // A pod restart or leadership move during a chaos run would disturb what the experiment measures: wait for its verdict.
        if (plan.Action is EvictAction or TransferLeadershipAction && await ActiveExperiments.OnClusterAsync(_kube, ns, name, ct).ConfigureAwait(false) is { } experiment)
        {
            await RecordEventAsync(afterStatus, "WaitingForChaos", $"{plan.Progress?.Kind.ToString() ?? "operation"} paused: chaos experiment {experiment} holds the cluster", false, ct).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(_options.ActivePoll);
        }

        await ActAsync(afterStatus, plan.Action, leader, settings, ct).ConfigureAwait(false);
        var untilBackup = await ScheduleBackupsAsync(afterStatus, ct).ConfigureAwait(false);
        var poll = plan.Action is DoneAction ? _options.SteadyPoll : _options.ActivePoll;
        return ReconcileResult.RequeueAfter(untilBackup is { } wait && wait < poll ? wait : poll);
    }

    // Verifies spec.bootstrap.fromBackup once, before the StatefulSet exists. Returns the cluster to go on with, or the
    // result to stop with: a refused backup leaves a Restored=False condition naming the check and is retried with back-off.
    private async Task<(ExchangeCluster? Cluster, ReconcileResult? Stop)> RestoreAsync(ExchangeCluster cluster, CancellationToken ct)
    {
        if (cluster.Spec.Bootstrap?.FromBackup is not { } from || cluster.Status?.RestoredFrom is not null
            || await ReadStatefulSetAsync(cluster.Metadata.Name, cluster.Metadata.NamespaceProperty, ct).ConfigureAwait(false) is not null)
        {
            return (cluster, null);
        }

        var verdict = await _restore.VerifyAsync(cluster, from, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow().UtcDateTime;
        var generation = cluster.Metadata.Generation;
        var written = await WriteStatusAsync(cluster, s => s with
        {
            RestoredFrom = verdict.Restored,
            Conditions = ClusterConditions.Set(s.Conditions, ClusterRestore.Condition, false, verdict.Reason, verdict.Message, generation, now),
        }, ct).ConfigureAwait(false);
        if (written is null)
        {
            return (null, ReconcileResult.Done);
        }

        if (verdict.Restored is null)
        {
            await WarnOnceAsync(written, "RestoreRefused", verdict.Message, ct).ConfigureAwait(false);
            return (null, ReconcileResult.Error($"restore refused: {verdict.Message}"));
        }

        await RecordEventAsync(written, "RestoreVerified", verdict.Message, false, ct).ConfigureAwait(false);
        return (written, null);
    }

    private static ExchangeClusterStatus WithRestoredCondition(ExchangeClusterStatus s, long? generation, DateTime now) =>
        s.RestoredFrom is { } r && ClusterConditions.IsTrue(s.Conditions, ClusterConditions.Available) && !ClusterConditions.IsTrue(s.Conditions, ClusterRestore.Condition)
            ? s with
            {
                Conditions = ClusterConditions.Set(s.Conditions, ClusterRestore.Condition, true, "Restored",
                    $"started from backup {r.Backup} in {r.Location} at index {r.Index} term {r.Term} (state hash {r.StateHash}) and Available", generation, now),
            }
            : s;

    // Creates the due scheduled backup and prunes by retention; returns the time until the next scheduled run.
    private async Task<TimeSpan?> ScheduleBackupsAsync(ExchangeCluster cluster, CancellationToken ct)
    {
        if (cluster.Spec.Backup is null)
        {
            return null;
        }

        var round = await _scheduler.RunAsync(cluster, ct).ConfigureAwait(false);
        if (round.Status is { } status)
        {
            await WriteStatusAsync(cluster, s => s with { Backup = status }, ct).ConfigureAwait(false);
            await RecordEventAsync(cluster, "BackupScheduled", $"ExchangeBackup {round.Created} created for {status.LastScheduleTime:O}", false, ct).ConfigureAwait(false);
        }

        if (round.WaitingFor is { } previous)
        {
            _logger.LogDebug("Scheduled backup of {Cluster} waits for {Backup} to finish", cluster.Metadata.Name, previous);
        }

        foreach (var pruned in round.Deleted)
        {
            await RecordEventAsync(cluster, "BackupPruned", $"ExchangeBackup {pruned} deleted by retention (its finalizer deletes the stored data)", false, ct).ConfigureAwait(false);
        }

        return round.UntilNext;
    }

    private static ExchangeClusterStatus Describe(ExchangeClusterStatus s, ExchangeCluster cluster, Plan plan, ObservedCluster observed, ObservedNode? leader, long? generation, DateTime now)
    {
        var name = cluster.Metadata.Name;
        var members = leader?.Members ?? [];
        var healthyVoters = members.Count(m => m.IsVoter && observed.Pods.Any(p => p.NodeId == m.NodeId && p.Ready)
            && m.MatchIndex + (ulong)observed.MaxLagEntries >= leader!.CommitIndex);
        var voterCount = members.Count(m => m.IsVoter);
        var quorum = voterCount / 2 + 1;
        var available = leader is not null && healthyVoters >= quorum;
        var atRisk = leader is null || healthyVoters <= quorum;
        var degraded = plan.Phase == ClusterPhase.Degraded;
        var progressing = plan.Action is not DoneAction;
        var phase = plan.Phase ?? (s.Phase is null or ClusterPhase.Creating && leader is null ? ClusterPhase.Creating : leader is null ? ClusterPhase.Degraded : ClusterPhase.Running);
        var allOnTarget = observed.Pods.Count == observed.StatefulSetReplicas && observed.Pods.All(p => p.Revision == observed.TargetRevision);

        var conditions = ClusterConditions.Set(s.Conditions, ClusterConditions.Available, available,
            available ? "QuorumAvailable" : leader is null ? "NoLeader" : "QuorumUnhealthy",
            leader is null ? "no Raft leader" : $"leader node {leader.NodeId}; {healthyVoters} of {voterCount} voters ready and caught up (quorum {quorum})", generation, now);
        conditions = ClusterConditions.Set(conditions, ClusterConditions.Progressing, progressing,
            progressing ? (plan.Progress?.Kind.ToString() ?? "Waiting") : "Converged", progressing ? plan.Reason : "every pod runs the current revision and membership matches the spec", generation, now);
        conditions = ClusterConditions.Set(conditions, ClusterConditions.Degraded, degraded,
            degraded ? "OperationStopped" : "AsExpected", degraded ? plan.Reason : "no operation stopped", generation, now);
        var full = observed.Nodes.Where(n => n.DiskFull is not null).OrderBy(n => n.NodeId).ToList();
        conditions = ClusterConditions.Set(conditions, ClusterConditions.DiskFull, full.Count > 0,
            full.Count > 0 ? "NodeDiskFull" : "AsExpected",
            full.Count > 0
                ? string.Join("; ", full.Select(n => $"{ChildNames.Pod(name, ChildNames.Ordinal(n.NodeId))}: {n.DiskFull}")) + " (the node refuses writes until space returns; grow its volume or free space)"
                : "no node reports a full data directory",
            generation, now);
        conditions = ClusterConditions.Set(conditions, ClusterConditions.QuorumAtRisk, atRisk,
            atRisk ? "NoFailureTolerance" : "FailureTolerated",
            atRisk ? $"{healthyVoters} healthy voters, quorum {quorum}: one more failure loses quorum" : $"{healthyVoters - quorum} voter failure(s) tolerated", generation, now);

        return s with
        {
            Phase = phase,
            Replicas = observed.Pods.Count,
            ReadyReplicas = observed.Pods.Count(p => p.Ready),
            Selector = ChildLabels.SelectorString(name),
            Leader = leader is null ? null : new LeaderStatus { NodeId = (long)leader.NodeId, Pod = ChildNames.Pod(name, ChildNames.Ordinal(leader.NodeId)) },
            Term = leader is null ? s.Term : (long)leader.Term,
            CommitIndex = leader is null ? s.CommitIndex : (long)leader.CommitIndex,
            Members = members.Select(m => new MemberStatus
            {
                NodeId = (long)m.NodeId,
                Pod = ChildNames.Pod(name, ChildNames.Ordinal(m.NodeId)),
                Incarnation = m.Incarnation,
                Role = m.IsVoter ? MemberRole.Voter : MemberRole.Learner,
                MatchIndex = (long)m.MatchIndex,
                Ready = observed.Pods.FirstOrDefault(p => p.NodeId == m.NodeId)?.Ready ?? false,
                Revision = observed.Pods.FirstOrDefault(p => p.NodeId == m.NodeId)?.Revision,
            }).ToList(),
            UpdateRevision = observed.TargetRevision,
            CurrentRevision = allOnTarget ? observed.TargetRevision : s.CurrentRevision,
            Progress = plan.Progress,
            EntryFormatVersion = leader is null ? s.EntryFormatVersion : leader.EntryFormatVersion,
            LastObservedAt = now,
            Conditions = conditions,
        };
    }

    private async Task ActAsync(ExchangeCluster cluster, PlannedAction action, ObservedNode? leader, ClusterSettings settings, CancellationToken ct)
    {
        var name = cluster.Metadata.Name;
        var ns = cluster.Metadata.NamespaceProperty;
        IAdminClient? Leader() => leader is null ? null : _admin.For(cluster, ChildNames.Ordinal(leader.NodeId));
        switch (action)
        {
            case EvictAction evict:
                await EvictAsync(cluster, evict, ct).ConfigureAwait(false);
                break;
            case TransferLeadershipAction transfer:
                await ReportAsync(cluster, "TransferLeadership", $"leadership from node {transfer.FromNodeId} to node {transfer.ToNodeId}",
                    await _admin.For(cluster, ChildNames.Ordinal(transfer.FromNodeId)).TransferLeadershipAsync(transfer.ToNodeId, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                break;
            case AddLearnerAction add when Leader() is { } client:
                var address = $"{ChildNames.PodHost(name, ns, ChildNames.Ordinal(add.NodeId))}:{settings.PeerPort}";
                await ReportAsync(cluster, "LearnerAdded", $"node {add.NodeId} ({address}) added as a learner",
                    await client.AddLearnerAsync(add.NodeId, address, add.Incarnation, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                break;
            case PromoteLearnerAction promote when Leader() is { } client:
                await ReportAsync(cluster, "LearnerPromoted", $"node {promote.NodeId} promoted to voter",
                    await client.PromoteLearnerAsync(promote.NodeId, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                break;
            case RemoveMemberAction remove when Leader() is { } client:
                await ReportAsync(cluster, "MemberRemoved", $"node {remove.NodeId} removed from the configuration",
                    await client.RemoveMemberAsync(remove.NodeId, remove.Incarnation, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                break;
            case RaiseEntryFormatAction raise when Leader() is { } client:
                var result = await client.SetEntryFormatVersionAsync(raise.Version, ct).ConfigureAwait(false);
                await ReportAsync(cluster, "EntryFormatRaised", $"entry format version {raise.Version}", result, ct).ConfigureAwait(false);
                if (result.IsOk)
                {
                    await WriteStatusAsync(cluster, s => s with { EntryFormatVersion = raise.Version }, ct).ConfigureAwait(false);
                }

                break;
            case SetReplicasAction set:
                await SetReplicasAsync(cluster, set.Replicas, ct).ConfigureAwait(false);
                break;
            default:
                // Wait, Done and MarkDegraded change nothing outside status (already written).
                break;
        }
    }

    // Best effort: the shared recorder logs a failed write and never throws, and folds repeats into one Event's count.
    private async Task RecordEventAsync(ExchangeCluster cluster, string reason, string message, bool warning, CancellationToken ct)
    {
        _logger.LogInformation("Event {Reason} on {Cluster}: {Message}", reason, cluster.Metadata.Name, message);
        await _events.RecordAsync(cluster, warning ? EventType.Warning : EventType.Normal, reason, message, ct).ConfigureAwait(false);
    }

    private async Task SetReplicasAsync(ExchangeCluster cluster, int replicas, CancellationToken ct)
    {
        var ns = cluster.Metadata.NamespaceProperty;
        var sts = await _kube.AppsV1.ReadNamespacedStatefulSetAsync(ChildNames.StatefulSet(cluster.Metadata.Name), ns, cancellationToken: ct).ConfigureAwait(false);
        sts.Spec.Replicas = replicas;
        await _kube.AppsV1.ReplaceNamespacedStatefulSetAsync(sts, sts.Metadata.Name, ns, cancellationToken: ct).ConfigureAwait(false);
        await RecordEventAsync(cluster, "Scaled", $"StatefulSet replicas set to {replicas}", false, ct).ConfigureAwait(false);
    }

    private async Task EvictAsync(ExchangeCluster cluster, EvictAction evict, CancellationToken ct)
    {
        var ns = cluster.Metadata.NamespaceProperty;
        var eviction = new V1Eviction
        {
            Metadata = new V1ObjectMeta { Name = evict.Pod, NamespaceProperty = ns },
            // The UID precondition makes a stale decision harmless: if the pod was already replaced, nothing happens.
            DeleteOptions = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = evict.Uid } },
        };
        try
        {
            await _kube.CoreV1.CreateNamespacedPodEvictionAsync(eviction, evict.Pod, ns, cancellationToken: ct).ConfigureAwait(false);
            var why = evict.ThenReplicas is null ? "to restart it" : "to scale down";
            await RecordEventAsync(cluster, "PodEvicted", $"evicted {evict.Pod} (uid {evict.Uid}) {why}", false, ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            await RecordEventAsync(cluster, "EvictionBlocked", $"eviction of {evict.Pod} refused by a PodDisruptionBudget; will retry", true, ct).ConfigureAwait(false);
            return;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // The pod was replaced since the decision: re-plan with the new UID rather than act on stale state.
            _logger.LogInformation("Eviction of {Pod} skipped: {Status}", evict.Pod, e.Response.StatusCode);
            return;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            _logger.LogInformation("Eviction of {Pod} skipped: {Status}", evict.Pod, e.Response.StatusCode);
        }

        // Lowering replicas right after the accepted eviction keeps the StatefulSet from recreating the pod.
        if (evict.ThenReplicas is { } replicas)
        {
            await SetReplicasAsync(cluster, replicas, ct).ConfigureAwait(false);
        }
    }

    private async Task ReportAsync<T>(ExchangeCluster cluster, string reason, string what, AdminResult<T> result, CancellationToken ct)
    {
        if (result.IsOk)
        {
            await RecordEventAsync(cluster, reason, what, false, ct).ConfigureAwait(false);
        }
        else
        {
            await RecordEventAsync(cluster, reason + "Failed", $"{what}: {result.Outcome}: {result.Detail}", true, ct).ConfigureAwait(false);
        }
    }

    private async Task WarnOnceAsync(ExchangeCluster cluster, string reason, string message, CancellationToken ct)
    {
        if (_warned.TryAdd((cluster.Metadata.Uid ?? cluster.Metadata.Name, cluster.Metadata.Generation ?? 0, message), true))
        {
            await RecordEventAsync(cluster, reason, message, true, ct).ConfigureAwait(false);
        }
    }

    private async Task<ExchangeCluster?> WriteStatusAsync(ExchangeCluster cluster, Func<ExchangeClusterStatus, ExchangeClusterStatus> mutate, CancellationToken ct)
    {
        var result = await _status.WriteAsync(cluster, c => c.Status = mutate(c.Status ?? new ExchangeClusterStatus()), ct).ConfigureAwait(false);
        return result.Outcome == StatusWriteOutcome.NotFound ? null : result.Object ?? cluster;
    }

    private async Task<List<ObservedPod>> ObservePodsAsync(string name, string ns, CancellationToken ct)
    {
        var list = await _kube.CoreV1.ListNamespacedPodAsync(ns, labelSelector: ChildLabels.SelectorString(name), cancellationToken: ct).ConfigureAwait(false);
        var pods = new List<ObservedPod>();
        foreach (var pod in list.Items)
        {
            if (pod.Metadata.DeletionTimestamp is not null || ChildNames.OrdinalOf(name, pod.Metadata.Name) is not { } ordinal)
            {
                continue;
            }

            var ready = pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
            pods.Add(new ObservedPod(pod.Metadata.Name, ordinal, pod.Metadata.Uid, (pod.Metadata.Labels is { } labels && labels.TryGetValue(ChildLabels.Revision, out var revision) ? revision : string.Empty), ready));
        }

        return pods.OrderBy(p => p.Ordinal).ToList();
    }

    private async Task<(Dictionary<ulong, ObservedNode> Nodes, List<MemberObservation> Answers)> ObserveNodesAsync(ExchangeCluster cluster, List<ObservedPod> pods, CancellationToken ct)
    {
        var calls = pods.Select(async p => (p.NodeId, Result: await _admin.For(cluster, p.Ordinal).GetStatusAsync(ct).ConfigureAwait(false))).ToList();
        var nodes = new Dictionary<ulong, ObservedNode>();
        var answers = new List<MemberObservation>();
        foreach (var (nodeId, result) in await Task.WhenAll(calls).ConfigureAwait(false))
        {
            if (result.Value is not { } s || s.NodeId != nodeId)
            {
                // Unreachable, or answering for another node id (a misrouted address): not an observation.
                answers.Add(new MemberObservation(nodeId, null, result.Value is null ? result.ToString() : $"answers as node {result.Value.NodeId}"));
                continue;
            }

            if (!string.IsNullOrEmpty(cluster.Status?.ClusterId) && s.ClusterId.Length > 0 && s.ClusterId != cluster.Status.ClusterId)
            {
                _logger.LogWarning("Node {NodeId} reports cluster {Reported}, expected {Expected}; ignored", nodeId, s.ClusterId, cluster.Status.ClusterId);
                answers.Add(new MemberObservation(nodeId, null, $"reports cluster {s.ClusterId}"));
                continue;
            }

            answers.Add(new MemberObservation(nodeId, s, null));
            nodes[nodeId] = new ObservedNode(s.NodeId, s.Incarnation, RoleOf(s.Role), s.Term, s.LeaderId, s.CommitIndex,
                s.SupportedEntryFormatVersions.ToList(), s.EntryFormatVersion,
                s.Members.Select(m => new ObservedMember(m.NodeId, m.Kind == MemberKind.Voter, m.MatchIndex, m.Incarnation)).ToList(),
                s.DiskFull ? s.DiskFullDetail : null);
        }

        return (nodes, answers);
    }

    // What a quorum is judged against when no member answers: the voters status recorded while a leader was known, else the bootstrap members.
    private static List<ulong> DeclaredVoters(ExchangeCluster cluster) =>
        cluster.Status?.Members is { Count: > 0 } members
            ? members.Where(m => m.Role == MemberRole.Voter && m.NodeId is > 0).Select(m => (ulong)m.NodeId!.Value).ToList()
            : Enumerable.Range(1, cluster.Status?.InitialMembers ?? 0).Select(i => (ulong)i).ToList();

    private static ExchangeClusterStatus WithQuorumCondition(ExchangeClusterStatus s, ExchangeCluster cluster, QuorumAssessment quorum, bool lost, long? generation, DateTime now)
    {
        var (status, reason, message) = QuorumGuard.Describe(cluster, quorum, lost);
        return s with { Conditions = ClusterConditions.Set(s.Conditions, QuorumGuard.Condition, status, reason, message, generation, now) };
    }

    // A user asked for a forced recovery (the annotation): carry it out once if the quorum is really lost, say why not
    // otherwise, and remove the annotation either way.
    private async Task RecoverQuorumAsync(ExchangeCluster cluster, ClusterSettings settings, QuorumAssessment quorum, bool lost, DateTime now, CancellationToken ct)
    {
        var (survivor, refusal) = QuorumGuard.Check(cluster, quorum, lost);
        if (survivor is { } node)
        {
            // From now on no pod bootstraps: a member that starts empty joins the recovered cluster as a learner instead of
            // forming a new one with the other empty members. The ConfigMap says so before the survivor is forced.
            var updated = await WriteStatusAsync(cluster, s => s with { InitialMembers = 0 }, ct).ConfigureAwait(false) ?? cluster;
            await _children.ConfigMapAsync(ConfigMapBuilder.Build(updated, settings, new ClusterIdentity(updated.Status!.ClusterId!, 0)), ct).ConfigureAwait(false);
            var outcome = await _quorum.ForceAsync(updated, node, now, ct).ConfigureAwait(false);
            if (outcome.Status is { } recovery)
            {
                await WriteStatusAsync(updated, s => s with { Recovery = recovery }, ct).ConfigureAwait(false);
                await RecordEventAsync(updated, "QuorumRecovered", outcome.Message, true, ct).ConfigureAwait(false);
            }
            else
            {
                await RecordEventAsync(updated, "ForceNewClusterFailed", outcome.Message, true, ct).ConfigureAwait(false);
            }
        }
        else
        {
            await RecordEventAsync(cluster, "ForceNewClusterRefused", refusal!, true, ct).ConfigureAwait(false);
        }

        var latest = await _clusters.GetAsync(new ObjectKey(cluster.Metadata.NamespaceProperty, cluster.Metadata.Name), ct).ConfigureAwait(false);
        if (latest?.Metadata.Annotations?.Remove(QuorumGuard.Annotation) == true)
        {
            await _clusters.ReplaceAsync(latest, ct).ConfigureAwait(false);
        }
    }

    private static RaftRole RoleOf(Role role) => role switch
    {
        Role.Leader => RaftRole.Leader,
        Role.Follower => RaftRole.Follower,
        Role.Candidate or Role.PreCandidate => RaftRole.Candidate,
        Role.Learner => RaftRole.Learner,
        _ => RaftRole.Unknown,
    };

    private async Task<V1ConfigMap?> ReadConfigMapAsync(string name, string ns, CancellationToken ct)
    {
        try
        {
            return await _kube.CoreV1.ReadNamespacedConfigMapAsync(ChildNames.ConfigMap(name), ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<V1StatefulSet?> ReadStatefulSetAsync(string name, string ns, CancellationToken ct)
    {
        try
        {
            return await _kube.AppsV1.ReadNamespacedStatefulSetAsync(ChildNames.StatefulSet(name), ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

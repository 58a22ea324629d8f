using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Backup;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Operator.Reconciling;
using Raftex.Operator.Validation;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Backups;

/// <summary>
/// Reconciles one ExchangeBackup: waits (Pending) until its cluster exists and is Available, picks a ready follower (the
/// leader only when no follower is ready, so order latency is untouched), records Running, streams the member's snapshot
/// into the store with <see cref="BackupWriter"/>, and records Completed with the verified manifest or Failed with the
/// check that failed. A Running backup found after an operator restart is taken again from the start (the store holds
/// nothing usable from the interrupted attempt: its manifest, the commit record, was never written). The finalizer
/// deletes the stored data.
/// </summary>
public sealed class ExchangeBackupReconciler : IReconciler, IFinalizer<ExchangeBackup>
{
    /// <summary>The finalizer that deletes a backup's stored data with the object.</summary>
    public const string FinalizerName = "raftex.io/backup-data";

    /// <summary>The condition that says whether the backup is Completed, and why not.</summary>
    public const string ReadyCondition = "Ready";

    private readonly IAdminConnector _admin;
    private readonly IBackupStoreFactory _stores;
    private readonly TimeProvider _time;
    private readonly TimeSpan _waitPoll;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly CustomResourceClient<ExchangeBackup> _backups;
    private readonly ExchangeClusterClient _clusters;
    private readonly StatusWriter<ExchangeBackup> _status;
    private readonly EventRecorder _events;

    /// <summary>
    /// Creates the reconciler; <paramref name="waitPoll"/> is how often a Pending backup looks at its cluster again, and
    /// <paramref name="timeout"/> how long one attempt may stream and verify before it fails (default one hour), so a
    /// member that stops sending cannot hold a worker forever.
    /// </summary>
    public ExchangeBackupReconciler(IKubernetes kube, IAdminConnector admin, IBackupStoreFactory stores, TimeProvider? time = null, TimeSpan? waitPoll = null, ILogger? logger = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(kube);
        _admin = admin ?? throw new ArgumentNullException(nameof(admin));
        _stores = stores ?? throw new ArgumentNullException(nameof(stores));
        _time = time ?? TimeProvider.System;
        _waitPoll = waitPoll ?? TimeSpan.FromSeconds(10);
        _timeout = timeout ?? TimeSpan.FromHours(1);
        _logger = logger ?? NullLogger.Instance;
        _backups = new CustomResourceClient<ExchangeBackup>(kube, ExchangeBackup.Plural);
        _clusters = new ExchangeClusterClient(kube);
        _status = new StatusWriter<ExchangeBackup>(_backups, time: _time, logger: _logger);
        _events = new EventRecorder(new KubernetesEventSink(kube), "raftex-operator", time: _time, logger: _logger);
    }

    /// <inheritdoc />
    public string Name => FinalizerName;

    /// <summary>The ExchangeBackup API client (for the controller's finalizer edits).</summary>
    public IResourceClient<ExchangeBackup> Client => _backups;

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var backup = await _backups.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (backup is null || backup.Metadata.DeletionTimestamp is not null || backup.Status?.Phase is BackupPhase.Completed or BackupPhase.Failed)
        {
            return ReconcileResult.Done;
        }

        return await ApiErrors.GuardAsync(() => ReconcileBackupAsync(backup, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Deletes the stored data; nothing to do for a backup that never started streaming.</summary>
    public async Task<ReconcileResult> FinalizeAsync(ExchangeBackup resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource.Status?.Phase is null or BackupPhase.Pending)
        {
            return ReconcileResult.Done;
        }

        try
        {
            var store = await _stores.OpenAsync(resource.Spec.Store, resource.Metadata.NamespaceProperty, cancellationToken).ConfigureAwait(false);
            using var owned = store as IDisposable;
            await store.DeleteAsync(resource.Metadata.Name, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Backup {Backup} deleted from {Location}", resource.Metadata.Name, store.LocationOf(resource.Metadata.Name));
            return ReconcileResult.Done;
        }
        catch (Exception e) when (e is BackupException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            await RecordAsync(resource, EventType.Warning, "DeleteFailed", $"stored data not deleted yet: {e.Message}", cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Error(e.Message);
        }
    }

    private async Task<ReconcileResult> ReconcileBackupAsync(ExchangeBackup backup, CancellationToken ct)
    {
        var ns = backup.Metadata.NamespaceProperty;
        var problems = new List<SpecFinding>();
        BackupSpecValidator.ValidateStore(backup.Spec.Store, "spec.store", problems);
        if (problems.Count > 0)
        {
            return await FailAsync(backup, "InvalidSpec", string.Join("; ", problems), ct).ConfigureAwait(false);
        }

        var cluster = await _clusters.GetAsync(new ObjectKey(ns, backup.Spec.ClusterRef), ct).ConfigureAwait(false);
        if (cluster is null)
        {
            return await WaitAsync(backup, "ClusterNotFound", $"ExchangeCluster {backup.Spec.ClusterRef} not found in namespace {ns}", ct).ConfigureAwait(false);
        }

        if (!ClusterConditions.IsTrue(cluster.Status?.Conditions, ClusterConditions.Available))
        {
            return await WaitAsync(backup, "ClusterNotAvailable", $"ExchangeCluster {cluster.Metadata.Name} is not Available (no leader with a quorum of ready voters); the backup starts when it is", ct).ConfigureAwait(false);
        }

        var member = await PickMemberAsync(cluster, ct).ConfigureAwait(false);
        if (member is null)
        {
            return await WaitAsync(backup, "NoReadyMember", $"no member of {cluster.Metadata.Name} reports ready through the Admin API", ct).ConfigureAwait(false);
        }

        var retried = backup.Status?.Phase == BackupPhase.Running;
        var start = _time.GetUtcNow();
        var running = await _status.WriteAsync(backup, b => b.Status = (b.Status ?? new ExchangeBackupStatus()) with
        {
            Phase = BackupPhase.Running,
            StartTime = start.UtcDateTime,
            NodeId = (long)member.NodeId,
            ObservedGeneration = b.Metadata.Generation,
            Conditions = ClusterConditions.Set(b.Status?.Conditions, ReadyCondition, false, "Running",
                $"streaming the snapshot of node {member.NodeId} ({member.Role})", b.Metadata.Generation, start.UtcDateTime),
        }, ct).ConfigureAwait(false);
        if (running.Outcome == StatusWriteOutcome.NotFound)
        {
            return ReconcileResult.Done;
        }

        backup = running.Object ?? backup;
        await RecordAsync(backup, EventType.Normal, retried ? "Restarted" : "Started",
            $"{(retried ? "interrupted run taken again from the start: " : string.Empty)}streaming from node {member.NodeId} ({member.Role}) of {cluster.Metadata.Name}", ct).ConfigureAwait(false);

        CheckedBackup verified;
        string location = BackupStoreLocation.Of(backup.Spec.Store);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(_timeout);
        try
        {
            var store = await _stores.OpenAsync(backup.Spec.Store, ns, attempt.Token).ConfigureAwait(false);
            using var owned = store as IDisposable;
            location = store.LocationOf(backup.Metadata.Name);
            var stub = _admin.StubFor(cluster, ChildNames.Ordinal(member.NodeId));
            verified = await BackupWriter.WriteAsync(stub.Client, store, backup.Metadata.Name, stub.Headers, _time, attempt.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackupException or OperationCanceledException && attempt.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return await FailAsync(backup, "Timeout",
                $"backup {location}: not written and verified within {_timeout} (node {member.NodeId} streamed too slowly or stopped); create a new ExchangeBackup to retry", ct).ConfigureAwait(false);
        }
        catch (BackupException e)
        {
            return await FailAsync(backup, BackupReasons.Of(e.Check), e.Message, ct).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            return await FailAsync(backup, "InvalidStore", $"backup {location}: {e.Message}", ct).ConfigureAwait(false);
        }

        var m = verified.Manifest;
        var done = _time.GetUtcNow();
        await _status.WriteAsync(backup, b => b.Status = (b.Status ?? new ExchangeBackupStatus()) with
        {
            Phase = BackupPhase.Completed,
            CompletionTime = done.UtcDateTime,
            Index = m.Index,
            Term = m.Term,
            StateHash = m.StateHash,
            FormatVersion = m.FormatVersion,
            Size = m.Size,
            Sha256 = m.Sha256,
            Location = verified.Location,
            NodeId = m.NodeId,
            Conditions = ClusterConditions.Set(b.Status?.Conditions, ReadyCondition, true, "Completed",
                $"index {m.Index} term {m.Term}, state hash {m.StateHash}, {m.Size} bytes, verified by reading it back", b.Metadata.Generation, done.UtcDateTime),
        }, ct).ConfigureAwait(false);
        BackupMetrics.RecordCompleted(m.Size, done - start);
        await RecordAsync(backup, EventType.Normal, "Completed", $"{verified.Location}: index {m.Index} term {m.Term}, {m.Size} bytes, state hash {m.StateHash}", ct).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> FailAsync(ExchangeBackup backup, string reason, string message, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await _status.WriteAsync(backup, b => b.Status = (b.Status ?? new ExchangeBackupStatus()) with
        {
            Phase = BackupPhase.Failed,
            CompletionTime = now,
            Conditions = ClusterConditions.Set(b.Status?.Conditions, ReadyCondition, false, reason, message, b.Metadata.Generation, now),
        }, ct).ConfigureAwait(false);
        BackupMetrics.RecordFailed(reason);
        await RecordAsync(backup, EventType.Warning, "Failed", message, ct).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> WaitAsync(ExchangeBackup backup, string reason, string message, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var before = backup.Status?.Conditions?.FirstOrDefault(c => c.Type == ReadyCondition);
        await _status.WriteAsync(backup, b => b.Status = (b.Status ?? new ExchangeBackupStatus()) with
        {
            Phase = BackupPhase.Pending,
            ObservedGeneration = b.Metadata.Generation,
            Conditions = ClusterConditions.Set(b.Status?.Conditions, ReadyCondition, false, reason, message, b.Metadata.Generation, now),
        }, ct).ConfigureAwait(false);
        if (before?.Reason != reason)
        {
            await RecordAsync(backup, EventType.Normal, reason, message, ct).ConfigureAwait(false);
        }

        return ReconcileResult.RequeueAfter(_waitPoll);
    }

    // A ready follower of this cluster first (the leader's order latency stays untouched), else the ready leader.
    private async Task<NodeStatus?> PickMemberAsync(ExchangeCluster cluster, CancellationToken ct)
    {
        var nodeIds = cluster.Status?.Members is { Count: > 0 } members
            ? members.Where(m => m.NodeId > 0).Select(m => (ulong)m.NodeId!.Value).ToList()
            : Enumerable.Range(0, cluster.Status?.Replicas ?? ClusterSettings.From(cluster.Spec).Replicas).Select(ChildNames.NodeId).ToList();
        var calls = nodeIds.Select(async id => (Id: id, Result: await _admin.For(cluster, ChildNames.Ordinal(id)).GetStatusAsync(ct).ConfigureAwait(false)));
        var ready = (await Task.WhenAll(calls).ConfigureAwait(false))
            .Where(c => c.Result.Value is { Ready: true } s && s.NodeId == c.Id && (string.IsNullOrEmpty(cluster.Status?.ClusterId) || s.ClusterId == cluster.Status.ClusterId))
            .Select(c => c.Result.Value!)
            .ToList();
        return ready.Where(s => s.Role == Role.Follower).OrderBy(s => s.NodeId).FirstOrDefault()
            ?? ready.FirstOrDefault(s => s.Role == Role.Leader);
    }

    private async Task RecordAsync(ExchangeBackup backup, EventType type, string reason, string message, CancellationToken ct)
    {
        _logger.LogInformation("Event {Reason} on backup {Backup}: {Message}", reason, backup.Metadata.Name, message);
        await _events.RecordAsync(backup, type, reason, message, ct).ConfigureAwait(false);
    }
}

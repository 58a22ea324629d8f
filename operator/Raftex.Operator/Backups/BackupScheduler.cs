using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.Chaos;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;

namespace Raftex.Operator.Backups;

/// <summary>
/// The backups of ExchangeCluster.spec.backup: at each scheduled time an ExchangeBackup named
/// <c>&lt;cluster&gt;-&lt;yyyyMMddHHmmss&gt;</c> (UTC of the scheduled time), owned by the cluster and labelled with it.
/// Like a CronJob without a starting deadline, runs missed while the operator was down give one catch-up run (the latest
/// missed time) and the rest are skipped. Retention deletes Completed scheduled backups beyond keepLast or older than
/// keepFor; their finalizer deletes the stored data.
/// </summary>
public sealed class BackupScheduler(IKubernetes kube, TimeProvider time)
{
    /// <summary>Label on a scheduled ExchangeBackup naming the cluster whose schedule created it.</summary>
    public const string ScheduledByLabel = "raftex.io/scheduled-by";

    /// <summary>
    /// Annotation with the uid of the cluster whose schedule made a backup. Scheduled backups carry no owner reference:
    /// deleting the cluster, by mistake or not, must never delete its backups. The uid keeps a new cluster of the same name
    /// from pruning the old one's.
    /// </summary>
    public const string ScheduledByUidAnnotation = "raftex.io/scheduled-by-uid";

    // Missed runs are looked for this far back at most, so a long outage with a per-minute schedule costs bounded work.
    private static readonly TimeSpan CatchUpWindow = TimeSpan.FromDays(400);

    /// <summary>Name of the backup scheduled at <paramref name="scheduled"/>.</summary>
    public static string BackupName(string cluster, DateTime scheduled) =>
        $"{cluster}-{scheduled.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Creates the due backup, if any, and prunes by retention. Returns the schedule status to record (null when nothing
    /// was due), the time until the next scheduled run, and what was created and deleted (for events).
    /// </summary>
    public async Task<ScheduleRound> RunAsync(ExchangeCluster cluster, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var spec = cluster.Spec.Backup ?? throw new ArgumentException("the cluster has no spec.backup", nameof(cluster));
        if (!CronSchedule.TryParse(spec.Schedule, out var schedule, out var why))
        {
            throw new ArgumentException($"spec.backup.schedule '{spec.Schedule}': {why}", nameof(cluster));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var last = cluster.Status?.Backup?.LastScheduleTime?.ToUniversalTime()
            ?? cluster.Metadata.CreationTimestamp?.ToUniversalTime()
            ?? now;
        var from = last < now - CatchUpWindow ? now - CatchUpWindow : last;
        DateTime? due = null;
        for (var t = schedule!.Next(from); t <= now; t = schedule.Next(t))
        {
            due = t;
        }

        var scheduledBackups = await ListScheduledAsync(cluster, ct).ConfigureAwait(false);
        BackupScheduleStatus? status = null;
        string? created = null;
        // Like a CronJob's concurrencyPolicy Forbid: while the previous scheduled backup is unfinished (its cluster down,
        // say) the due run waits, so an outage leaves one Pending backup, not one per missed time; it starts, once, at the
        // latest due time when the previous one ends.
        var unfinished = scheduledBackups.FirstOrDefault(b => b.Metadata.DeletionTimestamp is null && b.Status?.Phase is null or BackupPhase.Pending or BackupPhase.Running);
        if (due is { } scheduled && unfinished is null)
        {
            created = BackupName(cluster.Metadata.Name, scheduled);
            await CreateAsync(cluster, spec, created, ct).ConfigureAwait(false);
            status = new BackupScheduleStatus { LastScheduleTime = scheduled, LastBackup = created };
        }

        var deleted = spec.Retention is { } retention ? await PruneAsync(cluster, scheduledBackups, retention, now, ct).ConfigureAwait(false) : [];
        return new ScheduleRound(status, schedule.Next(now) - now, created, deleted, due is not null && unfinished is not null ? unfinished.Metadata.Name : null);
    }

    private async Task<List<ExchangeBackup>> ListScheduledAsync(ExchangeCluster cluster, CancellationToken ct)
    {
        var raw = await kube.CustomObjects.ListNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, cluster.Metadata.NamespaceProperty, ExchangeBackup.Plural,
            labelSelector: $"{ScheduledByLabel}={cluster.Metadata.Name}", cancellationToken: ct).ConfigureAwait(false);
        var items = JsonNode.Parse(KubernetesJson.Serialize(raw))?["items"]?.AsArray() ?? [];
        return items
            .Select(i => KubernetesJson.Deserialize<ExchangeBackup>(i!.ToJsonString()))
            .Where(b => b.Metadata.Annotations?.TryGetValue(ScheduledByUidAnnotation, out var uid) == true && uid == cluster.Metadata.Uid)
            .ToList();
    }

    private async Task CreateAsync(ExchangeCluster cluster, BackupScheduleSpec spec, string name, CancellationToken ct)
    {
        var backup = new ExchangeBackup
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = cluster.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string> { [ScheduledByLabel] = cluster.Metadata.Name, [ChildLabels.Cluster] = cluster.Metadata.Name },
                Annotations = new Dictionary<string, string> { [ScheduledByUidAnnotation] = cluster.Metadata.Uid },
                // Set at creation, so retention can never delete a scheduled backup before its data-deleting finalizer is on it.
                Finalizers = [ExchangeBackupReconciler.FinalizerName],
            },
            Spec = new ExchangeBackupSpec { ClusterRef = cluster.Metadata.Name, Store = spec.Store, Method = BackupMethod.Snapshot },
        };
        try
        {
            await kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeBackup>(backup, ExchangeCluster.Group, ExchangeCluster.Version,
                cluster.Metadata.NamespaceProperty, ExchangeBackup.Plural, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Created by an earlier round whose status write was lost: the run is not repeated.
        }
    }

    private async Task<IReadOnlyList<string>> PruneAsync(ExchangeCluster cluster, List<ExchangeBackup> scheduled, BackupRetentionSpec retention, DateTime now, CancellationToken ct)
    {
        var ns = cluster.Metadata.NamespaceProperty;
        var completed = scheduled
            .Where(b => b.Metadata.DeletionTimestamp is null && b.Status?.Phase == BackupPhase.Completed)
            .OrderByDescending(b => b.Status!.CompletionTime ?? b.Metadata.CreationTimestamp)
            .ThenByDescending(b => b.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        TimeSpan? keepFor = retention.KeepFor is { } text && DurationText.TryParse(text, out var span) ? span : null;
        var doomed = completed
            .Where((b, rank) => (retention.KeepLast is { } keep && rank >= keep)
                || (keepFor is { } age && (b.Status!.CompletionTime ?? now) < now - age))
            .Select(b => b.Metadata.Name)
            .ToList();
        foreach (var name in doomed)
        {
            try
            {
                await kube.CustomObjects.DeleteNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, ns, ExchangeBackup.Plural, name, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Already gone.
            }
        }

        return doomed;
    }
}

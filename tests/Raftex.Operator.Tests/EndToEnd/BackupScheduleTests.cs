using System.Globalization;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// spec.backup against the embedded API server on a fake clock: the ExchangeCluster reconciler creates ExchangeBackups on
/// schedule, catches up at most once after downtime, and prunes Completed ones by keepLast and keepFor (their finalizer
/// deleting the stored data); the ExchangeBackup reconciler completes them from the fake nodes.
/// </summary>
public sealed class BackupScheduleTests
{
    // On the hour, later than the API server's creation timestamps (which come from the wall clock), so the first round is due.
    private static DateTimeOffset Start()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(2);
    }

    private static string NameAt(DateTimeOffset t) => $"{BackupHarness.Cluster}-{t.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task Backups_are_created_on_schedule_with_one_catch_up_after_downtime_and_pruned_by_keepLast_then_keepFor()
    {
        var start = Start();
        await using var h = await BackupHarness.StartAsync(start);
        var cluster = await h.Operator.UpdateSpecAsync(c => c.Spec.Backup = new BackupScheduleSpec
        {
            Schedule = "0 * * * *",
            Store = h.Store,
            Retention = new BackupRetentionSpec { KeepLast = 2 },
        });

        // Hours passed between the cluster's creation and now: one catch-up run, at the latest missed time.
        await h.Operator.RoundAsync();
        var first = Assert.Single(await h.ListBackupsAsync());
        Assert.Equal(NameAt(start), first.Metadata.Name);
        Assert.Equal(BackupHarness.Cluster, first.Spec.ClusterRef);
        Assert.Equal(BackupHarness.Cluster, first.Metadata.Labels[BackupScheduler.ScheduledByLabel]);
        // Not owned by the cluster: deleting it must not delete its backups.
        Assert.Null(first.Metadata.OwnerReferences);
        Assert.Equal(cluster.Metadata.Uid, first.Metadata.Annotations[BackupScheduler.ScheduledByUidAnnotation]);
        Assert.Contains(ExchangeBackupReconciler.FinalizerName, first.Metadata.Finalizers);
        var status = (await h.Operator.GetAsync()).Status!.Backup!;
        Assert.Equal((start.UtcDateTime, first.Metadata.Name), (status.LastScheduleTime, status.LastBackup));
        await h.ReconcileAsync(first.Metadata.Name);

        // Nothing is due before the next hour; the hour creates the next one.
        h.Time.Advance(TimeSpan.FromMinutes(30));
        await h.Operator.RoundAsync();
        Assert.Single(await h.ListBackupsAsync());
        h.Time.Advance(TimeSpan.FromMinutes(30));
        await h.Operator.RoundAsync();
        Assert.Equal([NameAt(start), NameAt(start.AddHours(1))], (await h.ListBackupsAsync()).Select(b => b.Metadata.Name));
        await h.ReconcileAsync(NameAt(start.AddHours(1)));

        // Five hours of operator downtime: five runs missed, one catch-up, at the latest.
        h.Time.Advance(TimeSpan.FromHours(5));
        await h.Operator.RoundAsync();
        var afterDowntime = (await h.ListBackupsAsync()).Select(b => b.Metadata.Name).ToList();
        Assert.Equal([NameAt(start), NameAt(start.AddHours(1)), NameAt(start.AddHours(6))], afterDowntime);
        await h.ReconcileAsync(NameAt(start.AddHours(6)));
        Assert.All(await h.ListBackupsAsync(), b => Assert.Equal(BackupPhase.Completed, b.Status!.Phase));

        // keepLast 2: the oldest Completed one goes, and its finalizer deletes its data.
        await h.Operator.RoundAsync();
        var pruned = (await h.GetBackupAsync(NameAt(start)))!;
        Assert.NotNull(pruned.Metadata.DeletionTimestamp);
        Assert.True(Directory.Exists(Path.Combine(h.Root.FullName, NameAt(start))));
        await h.FinalizeAsync(NameAt(start));
        Assert.False(Directory.Exists(Path.Combine(h.Root.FullName, NameAt(start))));
        Assert.Equal([NameAt(start.AddHours(1)), NameAt(start.AddHours(6))], (await h.ListBackupsAsync()).Select(b => b.Metadata.Name));
        Assert.Contains(await h.EventsAsync(BackupHarness.Cluster), e => e.Reason == "BackupPruned" && e.Message.Contains(NameAt(start), StringComparison.Ordinal));

        // keepFor 3h instead: the backup completed five hours ago goes, the one completed now stays.
        await h.Operator.UpdateSpecAsync(c => c.Spec.Backup!.Retention = new BackupRetentionSpec { KeepFor = "3h" });
        await h.Operator.RoundAsync();
        Assert.NotNull((await h.GetBackupAsync(NameAt(start.AddHours(1))))!.Metadata.DeletionTimestamp);
        await h.FinalizeAsync(NameAt(start.AddHours(1)));
        Assert.Equal([NameAt(start.AddHours(6))], (await h.ListBackupsAsync()).Select(b => b.Metadata.Name));
        Assert.Equal([NameAt(start.AddHours(6))], Directory.GetDirectories(h.Root.FullName).Select(Path.GetFileName));
    }

    [Fact]
    public async Task While_a_scheduled_backup_is_unfinished_due_runs_wait_and_it_is_never_pruned_then_one_catch_up_follows()
    {
        var start = Start();
        await using var h = await BackupHarness.StartAsync(start);
        await h.Operator.UpdateSpecAsync(c => c.Spec.Backup = new BackupScheduleSpec
        {
            Schedule = "0 * * * *",
            Store = h.Store,
            Retention = new BackupRetentionSpec { KeepLast = 1, KeepFor = "1h" },
        });
        for (var hour = 0; hour < 4; hour++)
        {
            await h.Operator.RoundAsync();
            h.Time.Advance(TimeSpan.FromHours(1));
        }

        // Four hours of due runs, one backup: it never ran (Pending), so the later runs waited, and retention, which
        // counts only Completed backups, kept it although it is older than keepFor.
        var pending = Assert.Single(await h.ListBackupsAsync());
        Assert.Equal(NameAt(start), pending.Metadata.Name);
        Assert.Null(pending.Metadata.DeletionTimestamp);
        Assert.Equal(start.UtcDateTime, (await h.Operator.GetAsync()).Status!.Backup!.LastScheduleTime);

        // Once it completes, the next round starts one catch-up at the latest due time.
        await h.ReconcileAsync(NameAt(start));
        await h.Operator.RoundAsync();
        Assert.Contains(NameAt(start.AddHours(4)), (await h.ListBackupsAsync()).Select(b => b.Metadata.Name));
        Assert.Equal(2, (await h.ListBackupsAsync()).Count(b => b.Metadata.DeletionTimestamp is null));
    }
}

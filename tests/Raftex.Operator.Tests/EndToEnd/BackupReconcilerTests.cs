using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Raftex.Backup;
using Raftex.Controllers;
using Raftex.Operator.Api;
using Raftex.Operator.Backups;
using Raftex.Operator.Hosting;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// The ExchangeBackup controller against the embedded API server: member choice through the Admin API, a real snapshot
/// file streamed over real gRPC StreamSnapshot by fake nodes, a real filesystem store in a temporary directory.
/// </summary>
public sealed class BackupReconcilerTests
{
    private static ClusterCondition Ready(ExchangeBackup b) => Assert.Single(b.Status!.Conditions!, c => c.Type == ExchangeBackupReconciler.ReadyCondition);

    [Fact]
    public async Task A_backup_streams_from_a_ready_follower_and_completes_with_the_manifest_fields_and_the_data_in_the_store()
    {
        await using var h = await BackupHarness.StartAsync();
        var snapshot = h.Operator.Admin.Snapshot!;
        await h.CreateBackupAsync("b1");
        using var metrics = new MeasurementLog("raftex_backups_completed_total");

        await h.ReconcileAsync("b1");
        Assert.Contains(metrics.Measurements, m => m.Instrument == "raftex_backups_completed_total" && m.Value == 1);

        var b = (await h.GetBackupAsync("b1"))!;
        var s = b.Status!;
        Assert.Equal(BackupPhase.Completed, s.Phase);
        // Node 1 leads; node 2 is the first ready follower.
        Assert.Equal(2, s.NodeId);
        Assert.Contains("StreamSnapshot 2", h.Operator.Raft.Calls);
        Assert.DoesNotContain("StreamSnapshot 1", h.Operator.Raft.Calls);
        Assert.Equal((snapshot.Metadata.Index, snapshot.Metadata.Term), (s.Index, s.Term));
        Assert.Equal(BackupManifest.FormatHash(snapshot.StateHash), s.StateHash);
        Assert.Equal(BackupManifest.CurrentFormatVersion, s.FormatVersion);
        Assert.Equal(snapshot.File.Length, s.Size);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(snapshot.File)), s.Sha256);
        Assert.Equal(new FilesystemBackupStore(h.Root.FullName).LocationOf("b1"), s.Location);
        Assert.Equal(h.Time.GetUtcNow().UtcDateTime, s.StartTime);
        Assert.NotNull(s.CompletionTime);
        Assert.Equal(("True", "Completed"), (Ready(b).Status, Ready(b).Reason));

        // The store holds exactly the node's snapshot file, and it verifies on its own.
        Assert.Equal(snapshot.File, File.ReadAllBytes(Path.Combine(h.Root.FullName, "b1", BackupManifest.DataFile)));
        var verified = await BackupVerifier.VerifyAsync(new FilesystemBackupStore(h.Root.FullName), "b1", CancellationToken.None);
        Assert.Equal(snapshot.StateHash, verified.Manifest.StateHashValue);
        Assert.Equal(2, verified.Manifest.NodeId);

        var events = (await h.EventsAsync("b1")).Select(e => e.Reason).ToList();
        Assert.Equal(["Started", "Completed"], events);

        // A finished backup is left alone.
        h.Operator.Raft.Calls.Clear();
        Assert.Equal(ReconcileOutcome.Done, (await h.ReconcileAsync("b1")).Outcome);
        Assert.Empty(h.Operator.Raft.Calls);
    }

    [Fact]
    public async Task The_leader_is_used_only_when_no_follower_is_ready()
    {
        await using var h = await BackupHarness.StartAsync();
        h.Operator.Raft.SetUp(2, false);
        h.Operator.Raft.SetUp(3, false);
        await h.CreateBackupAsync("b1");

        await h.ReconcileAsync("b1");

        var b = (await h.GetBackupAsync("b1"))!;
        Assert.Equal((BackupPhase.Completed, 1L), (b.Status!.Phase, b.Status.NodeId));
        Assert.Contains("StreamSnapshot 1", h.Operator.Raft.Calls);
    }

    [Fact]
    public async Task A_chunk_that_does_not_match_its_checksum_fails_the_backup_with_ChecksumMismatch_and_stores_nothing()
    {
        await using var h = await BackupHarness.StartAsync();
        h.Operator.Admin.Snapshot!.CorruptChunkAt = 1;
        await h.CreateBackupAsync("bad");
        using var metrics = new MeasurementLog("raftex_backups_failed_total");

        Assert.Equal(ReconcileOutcome.Done, (await h.ReconcileAsync("bad")).Outcome);

        var b = (await h.GetBackupAsync("bad"))!;
        Assert.Equal(BackupPhase.Failed, b.Status!.Phase);
        var ready = Ready(b);
        Assert.Equal(("False", "ChecksumMismatch"), (ready.Status, ready.Reason));
        Assert.Contains("checksum check failed: the chunk at offset 4096", ready.Message, StringComparison.Ordinal);
        Assert.Contains("do not use it", ready.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(h.Root.FullName, "bad")));
        Assert.Contains(metrics.Measurements, m => m.Value == 1 && m.Tags.GetValueOrDefault("reason") == "ChecksumMismatch");
        var failed = Assert.Single(await h.EventsAsync("bad"), e => e.Reason == "Failed");
        Assert.Equal("Warning", failed.Type);
    }

    [Fact]
    public async Task A_member_that_stops_streaming_fails_the_backup_with_Timeout_instead_of_holding_a_worker()
    {
        await using var h = await BackupHarness.StartAsync();
        h.Operator.Admin.Snapshot!.HangAfterHeader = true;
        var reconciler = new ExchangeBackupReconciler(h.Kube, h.Operator.Connector, h.Stores, h.Time, timeout: TimeSpan.FromMilliseconds(300));
        await h.CreateBackupAsync("stuck");

        Assert.Equal(ReconcileOutcome.Done, (await reconciler.ReconcileAsync(new ObjectKey(BackupHarness.Ns, "stuck"), CancellationToken.None)).Outcome);

        var b = (await h.GetBackupAsync("stuck"))!;
        Assert.Equal((BackupPhase.Failed, "Timeout"), (b.Status!.Phase, Ready(b).Reason));
        Assert.Contains("not written and verified within 00:00:00.3000000 (node 2 streamed too slowly or stopped)", Ready(b).Message, StringComparison.Ordinal);
        Assert.Empty(await new FilesystemBackupStore(h.Root.FullName).ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_store_the_validator_refuses_fails_the_backup_with_the_field_at_fault()
    {
        await using var h = await BackupHarness.StartAsync();
        var backup = new ExchangeBackup
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "rel", NamespaceProperty = BackupHarness.Ns },
            Spec = new ExchangeBackupSpec { ClusterRef = BackupHarness.Cluster, Store = new BackupStoreSpec { S3 = new S3StoreSpec { Bucket = "bkt", Endpoint = "not a url", CredentialsSecret = new S3CredentialsSecret { Name = "c" } } } },
        };
        await h.Kube.CustomObjects.CreateNamespacedCustomObjectAsync<ExchangeBackup>(backup, ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeBackup.Plural);

        await h.ReconcileAsync("rel");

        var b = (await h.GetBackupAsync("rel"))!;
        Assert.Equal((BackupPhase.Failed, "InvalidSpec"), (b.Status!.Phase, Ready(b).Reason));
        Assert.Equal("spec.store.s3.endpoint: 'not a url' is not an absolute URL like http://minio:9000", Ready(b).Message);
        Assert.DoesNotContain(h.Operator.Raft.Calls, c => c.StartsWith("StreamSnapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_backup_waits_in_Pending_while_its_cluster_is_missing_or_not_Available()
    {
        await using var h = await BackupHarness.StartAsync();
        await h.CreateBackupAsync("lost", cluster: "nope");
        var wait = await h.ReconcileAsync("lost");
        Assert.Equal(ReconcileOutcome.RequeueAfter, wait.Outcome);
        var lost = (await h.GetBackupAsync("lost"))!;
        Assert.Equal(BackupPhase.Pending, lost.Status!.Phase);
        Assert.Equal(("False", "ClusterNotFound", "ExchangeCluster nope not found in namespace default"), (Ready(lost).Status, Ready(lost).Reason, Ready(lost).Message));

        // The cluster loses its leader: no longer Available, so the backup waits and no member is asked for a snapshot.
        h.Operator.Raft.LoseLeader();
        await h.Operator.RoundAsync();
        await h.CreateBackupAsync("later");
        await h.ReconcileAsync("later");
        var later = (await h.GetBackupAsync("later"))!;
        Assert.Equal((BackupPhase.Pending, "ClusterNotAvailable"), (later.Status!.Phase, Ready(later).Reason));
        Assert.DoesNotContain(h.Operator.Raft.Calls, c => c.StartsWith("StreamSnapshot", StringComparison.Ordinal));

        // Once a leader is back and the cluster Available again, it completes.
        h.Operator.Raft.Elect(1);
        await h.Operator.RunUntilAsync(c => ClusterConditions.IsTrue(c.Status?.Conditions, ClusterConditions.Available));
        await h.ReconcileAsync("later");
        Assert.Equal(BackupPhase.Completed, (await h.GetBackupAsync("later"))!.Status!.Phase);
    }

    [Fact]
    public async Task A_backup_found_Running_after_an_operator_restart_is_taken_again_from_the_start()
    {
        await using var h = await BackupHarness.StartAsync();
        var created = await h.CreateBackupAsync("b1");
        // What an operator killed mid-stream leaves: status Running, a data object but no manifest (the commit record).
        created.Status = new ExchangeBackupStatus { Phase = BackupPhase.Running, NodeId = 3, StartTime = h.Time.GetUtcNow().UtcDateTime.AddMinutes(-5) };
        await h.Kube.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<ExchangeBackup>(created, ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeBackup.Plural, "b1");
        Directory.CreateDirectory(Path.Combine(h.Root.FullName, "b1"));
        File.WriteAllBytes(Path.Combine(h.Root.FullName, "b1", BackupManifest.DataFile), [1, 2, 3]);
        h.RestartOperator();

        await h.ReconcileAsync("b1");

        var b = (await h.GetBackupAsync("b1"))!;
        Assert.Equal(BackupPhase.Completed, b.Status!.Phase);
        Assert.Equal(h.Time.GetUtcNow().UtcDateTime, b.Status.StartTime);
        Assert.Equal(h.Operator.Admin.Snapshot!.File, File.ReadAllBytes(Path.Combine(h.Root.FullName, "b1", BackupManifest.DataFile)));
        Assert.Contains(await h.EventsAsync("b1"), e => e.Reason == "Restarted");
    }

    [Fact]
    public async Task The_finalizer_deletes_the_stored_data_and_does_not_mind_a_store_that_holds_nothing()
    {
        await using var h = await BackupHarness.StartAsync();
        await h.CreateBackupAsync("b1", finalizers: ExchangeBackupReconciler.FinalizerName);
        await h.ReconcileAsync("b1");
        Assert.True(File.Exists(Path.Combine(h.Root.FullName, "b1", BackupManifest.FileName)));

        await h.Kube.CustomObjects.DeleteNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeBackup.Plural, "b1");
        Assert.Equal(ReconcileOutcome.Done, (await h.FinalizeAsync("b1")).Outcome);
        Assert.False(Directory.Exists(Path.Combine(h.Root.FullName, "b1")));
        Assert.Null(await h.GetBackupAsync("b1"));
        Assert.Empty(await new FilesystemBackupStore(h.Root.FullName).ListAsync(CancellationToken.None));

        // A Completed backup whose data someone already removed goes without an error.
        await h.CreateBackupAsync("b2", finalizers: ExchangeBackupReconciler.FinalizerName);
        await h.ReconcileAsync("b2");
        Directory.Delete(Path.Combine(h.Root.FullName, "b2"), recursive: true);
        await h.Kube.CustomObjects.DeleteNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeBackup.Plural, "b2");
        Assert.Equal(ReconcileOutcome.Done, (await h.FinalizeAsync("b2")).Outcome);
        Assert.Null(await h.GetBackupAsync("b2"));
    }

    [Fact]
    public async Task The_operator_host_runs_the_backup_controller_with_its_finalizer_and_deleting_the_object_deletes_the_data()
    {
        await using var h = await BackupHarness.StartAsync();
        using var stop = new CancellationTokenSource();
        var host = new OperatorHost(h.Kube, h.Operator.Connector, new OperatorOptions { Namespace = BackupHarness.Ns, LeaderElection = false }, NullLoggerFactory.Instance,
            reconcilerOptions: new ReconcilerOptions { ActivePoll = TimeSpan.FromMilliseconds(50), SteadyPoll = TimeSpan.FromSeconds(1), VolatileStatusInterval = TimeSpan.Zero });
        var running = host.RunAsync(stop.Token);
        try
        {
            await h.CreateBackupAsync("hosted");
            await Poll.UntilAsync(async () => (await h.GetBackupAsync("hosted"))?.Status?.Phase == BackupPhase.Completed, "the backup is Completed", TimeSpan.FromSeconds(60));
            var completed = (await h.GetBackupAsync("hosted"))!;
            Assert.Contains(ExchangeBackupReconciler.FinalizerName, completed.Metadata.Finalizers ?? []);
            Assert.True(File.Exists(Path.Combine(h.Root.FullName, "hosted", BackupManifest.FileName)));

            await h.Kube.CustomObjects.DeleteNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, BackupHarness.Ns, ExchangeBackup.Plural, "hosted");
            await Poll.UntilAsync(async () => await h.GetBackupAsync("hosted") is null, "the backup object is gone", TimeSpan.FromSeconds(60));
            Assert.False(Directory.Exists(Path.Combine(h.Root.FullName, "hosted")));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}

using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>A follower's data directory on a small real tmpfs fills up under load while the other two carry on, then space returns.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FollowerDiskFullTests
{
    private const long Full = 3;

    /// <summary>Entries a snapshot leaves in the log (TestCluster passes <c>--snapshot-catchup-entries 20</c>).</summary>
    private const ulong CatchUpEntries = 20;

    [Fact]
    public async Task A_follower_whose_disk_fills_refuses_writes_while_the_others_commit_and_catches_up_by_log_once_space_returns()
    {
        using var cluster = new TestCluster(3);
        using var disk = await StartWithSmallDiskAsync(cluster);
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 2);
        await load.ProgressAsync(50);
        var filler = disk.Fill(leaveFree: 128 * 1024);

        var stalled = await WaitForDiskFullAsync(cluster);
        Assert.NotEqual(Role.Leader, stalled.Role);

        // The other two keep committing without it: the leader's commit index moves past everything the full node holds.
        var leader = await cluster.WaitForLeaderAsync([1, 2], except: Full);
        await load.ProgressAsync(100);
        var ahead = await cluster.UntilAsync(
            () => cluster.StatusAsync(leader), s => s.CommitIndex > stalled.LastIndex + 50, "the leader to commit well past the full follower");
        var behind = (await cluster.StatusAsync(Full))!;
        Assert.True(behind.DiskFull);
        Assert.True(behind.AppliedIndex < ahead.CommitIndex, $"the full follower applied {behind.AppliedIndex}, the leader committed {ahead.CommitIndex}");

        await AssertRefusesWritesAsync(cluster);

        // A snapshot it takes now cannot be written; it is kept and written once there is room, so the log is
        // compacted after the episode instead of a whole snapshot threshold later.
        var local = await cluster.Admin(Full).TakeSnapshotAsync();
        Assert.True(local.IsOk);
        var localIndex = local.Value!.SnapshotIndex;
        Assert.True(localIndex > behind.SnapshotIndex, $"snapshot at {localIndex}, log already compacted to {behind.SnapshotIndex}");

        // Space returns: it persists what it held, acknowledges, and catches up from the leader's log.
        File.Delete(filler);
        await cluster.UntilAsync(() => cluster.StatusAsync(Full), s => !s.DiskFull && s.Ready, $"node {Full} to resume once space returned");
        await cluster.UntilAsync(
            () => cluster.StatusAsync(Full), s => s.SnapshotIndex >= localIndex - CatchUpEntries, $"node {Full} to write its deferred snapshot at {localIndex} and compact");
        Assert.Contains("Disk space returned", cluster.Slot(Full).Process!.Output);
        Assert.Contains($"Wrote the deferred local snapshot at {localIndex}", cluster.Slot(Full).Process!.Output);
        Assert.DoesNotContain("Received snapshot", cluster.Slot(Full).Process!.Output);
        await load.ProgressAsync(50);
        await load.StopAsync();
        await history.VerifyAsync(cluster);
    }

    [Fact]
    public async Task A_follower_stopped_while_its_disk_is_full_restarts_and_installs_the_leaders_snapshot_once_space_returns()
    {
        using var cluster = new TestCluster(3);
        using var disk = await StartWithSmallDiskAsync(cluster);
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 2);
        await load.ProgressAsync(50);
        var filler = disk.Fill(leaveFree: 128 * 1024);
        var stalled = await WaitForDiskFullAsync(cluster);

        // SIGTERM while stalled: a clean, prompt exit (the poisoned log is closed without a flush; nothing is lost).
        var process = cluster.Slot(Full).Process!;
        Assert.True(process.Terminate(TestCluster.Converge), "the full follower exits after SIGTERM");
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Stopped cleanly", process.Output);

        // The others move on and the leader compacts its log past everything the stopped node could hold.
        var leader = await cluster.WaitForLeaderAsync([1, 2], except: Full);
        await load.ProgressAsync(100);
        await cluster.UntilAsync(
            () => cluster.StatusAsync(leader), s => s.AppliedIndex > stalled.LastIndex + 100, "the leader to apply well past the stopped follower");
        var snapshot = await cluster.Admin(leader).TakeSnapshotAsync();
        Assert.True(snapshot.IsOk);
        var snapshotIndex = snapshot.Value!.SnapshotIndex;
        Assert.True(snapshotIndex > stalled.LastIndex + 100);

        // Restart it unheard (the others ignore it), so the disk can be topped up to the last byte before the leader
        // reaches it: the leader's snapshot is then the first thing it has to write.
        await Isolation.IsolateAsync(cluster, Full, [1, 2]);

        cluster.Start(Full);
        await cluster.UntilAsync(() => cluster.StatusAsync(Full), s => s.AppliedIndex > 0, $"node {Full} to restart");
        var topUp = disk.Fill(leaveFree: 0, name: "filler-2");
        await Isolation.HealAsync(cluster, [1, 2]);

        // It takes the snapshot into Raft but cannot save it: nothing installed, writes refused, still not ready.
        var pending = await cluster.UntilAsync(
            () => cluster.StatusAsync(Full),
            s => s.DiskFull && s.LastIndex >= snapshotIndex,
            $"node {Full} to receive snapshot {snapshotIndex} and fail to save it");
        Assert.True(pending.AppliedIndex < snapshotIndex, $"applied {pending.AppliedIndex} before snapshot {snapshotIndex} was saved");
        Assert.True(pending.SnapshotIndex < snapshotIndex);
        Assert.False(pending.Ready);
        await AssertRefusesWritesAsync(cluster);

        File.Delete(topUp);
        File.Delete(filler);
        var resumed = await cluster.UntilAsync(
            () => cluster.StatusAsync(Full), s => !s.DiskFull && s.Ready, $"node {Full} to resume once space returned");
        Assert.True(resumed.SnapshotIndex >= snapshotIndex, $"snapshot index {resumed.SnapshotIndex} after resuming, leader's snapshot {snapshotIndex}");
        var output = cluster.Slot(Full).Process!.Output;
        Assert.Contains($"Received snapshot at index {snapshotIndex} from the leader", output);
        Assert.Contains($"Installed snapshot at index {snapshotIndex}", output);
        await load.ProgressAsync(50);
        await load.StopAsync();
        await history.VerifyAsync(cluster);
    }

    [Fact]
    public async Task A_follower_whose_disk_is_full_applies_a_membership_removal_without_stopping()
    {
        using var cluster = new TestCluster(4);
        cluster.ExtraArgs.AddRange(["--wal-segment-mb", "1"]);
        using var disk = Tmpfs.Mount(16L * 1024 * 1024, cluster.Slot(Full).DataDir);
        cluster.Bootstrap(4);
        var leader = await cluster.WaitForLeaderAsync();
        if (leader is Full or 4)
        {
            Assert.True((await cluster.Admin(leader).TransferLeadershipAsync(1)).IsOk);
            await cluster.UntilAsync(() => cluster.StatusAsync(1), s => s.Role == Role.Leader, "node 1 to lead");
            leader = 1;
        }

        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 0);
        await load.ProgressAsync(60);
        await load.StopAsync();

        // Not one byte free, but the WAL still has room in the space it claimed ahead: the node keeps applying, and
        // forgetting the removed member's pinned incarnation is a file it cannot write.
        var filler = disk.Fill(leaveFree: 0);
        var removedIncarnation = (await cluster.StatusAsync(4))!.Incarnation;
        Assert.True((await cluster.Admin(leader).RemoveMemberAsync(4, removedIncarnation)).IsOk);
        await cluster.UntilAsync(
            () => cluster.StatusAsync(Full), s => s.Members.Count == 3 && s.Members.All(m => m.NodeId != 4), $"node {Full} to apply the removal of node 4");
        Assert.False(cluster.Slot(Full).Process!.HasExited, "a full disk is not a reason to exit");
        Assert.Contains("too full to drop its pinned incarnation", cluster.Slot(Full).Process!.Output);

        File.Delete(filler);
        await history.VerifyAsync(cluster, [1, 2, Full]);
    }

    /// <summary>Three voters, node <see cref="Full"/> on a 16 MiB tmpfs with 1 MiB WAL segments, and not the leader.</summary>
    private static async Task<Tmpfs> StartWithSmallDiskAsync(TestCluster cluster)
    {
        // 1 MiB segments: the next segment's space is claimed after at most 1 MiB of log, so the disk fills quickly.
        cluster.ExtraArgs.AddRange(["--wal-segment-mb", "1"]);
        var disk = Tmpfs.Mount(16L * 1024 * 1024, cluster.Slot(Full).DataDir);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        if (leader == Full)
        {
            Assert.True((await cluster.Admin(leader).TransferLeadershipAsync(1)).IsOk);
            await cluster.UntilAsync(() => cluster.StatusAsync(1), s => s.Role == Role.Leader, "node 1 to lead");
        }

        return disk;
    }

    private static async Task<NodeStatus> WaitForDiskFullAsync(TestCluster cluster)
    {
        var stalled = await cluster.UntilAsync(() => cluster.StatusAsync(Full), s => s.DiskFull, $"node {Full} to report its disk full");
        Assert.Contains("No space left on device", stalled.DiskFullDetail);
        Assert.False(stalled.Ready);
        Assert.False(cluster.Slot(Full).Process!.HasExited, "a full disk is not a reason to exit");
        return stalled;
    }

    /// <summary>A write sent straight to the full follower is refused, not forwarded, with a status naming the cause.</summary>
    private static async Task AssertRefusesWritesAsync(TestCluster cluster)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            cluster.ExchangeAt(Full).SubmitOrderAsync(History.Order(Load.AccountOf(0), 9_000_000, new Random(7))).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("disk full", refused.Status.Detail);
    }
}

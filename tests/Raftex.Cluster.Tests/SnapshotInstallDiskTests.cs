using Raftex.Protocol.V1;
using Xunit.Abstractions;

namespace Raftex.Cluster.Tests;

/// <summary>A follower on a small real tmpfs falls behind again and again and catches up by installing the leader's snapshot.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SnapshotInstallDiskTests(ITestOutputHelper output)
{
    private const long Lagging = 3;
    private const long Segment = 1024 * 1024;
    private const int Rounds = 3;

    /// <summary>
    /// What the follower's WAL may hold right after an install released what it covers: the current segment (up to a
    /// segment and one preallocation chunk of 1 MiB) and the start of one that entries arriving meanwhile may have opened.
    /// </summary>
    private const long WalBound = 3 * Segment;

    [Fact]
    public async Task A_follower_that_keeps_falling_behind_and_installing_snapshots_keeps_its_disk_use_bounded_and_never_fills_it()
    {
        // No local snapshots: every compaction on the follower comes from an installed one.
        using var cluster = new TestCluster(3, snapshotThreshold: 10_000_000);
        cluster.ExtraArgs.AddRange(["--wal-segment-mb", "1"]);
        using var disk = Tmpfs.Mount(32 * Segment, cluster.Slot(Lagging).DataDir);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        if (leader == Lagging)
        {
            Assert.True((await cluster.Admin(leader).TransferLeadershipAsync(1)).IsOk);
            await cluster.UntilAsync(() => cluster.StatusAsync(1), s => s.Role == Role.Leader, "node 1 to lead");
        }

        var wal = Path.Combine(cluster.Slot(Lagging).DataDir, "wal");
        var snap = Path.Combine(cluster.Slot(Lagging).DataDir, "snap");
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 3);
        var sequence = NewestSegment(wal);
        for (var round = 1; round <= Rounds; round++)
        {
            // Connected, it writes two more segments (over 2 MiB of log): without compaction by the installs, every
            // round would leave those behind, and its WAL would hold three segments or more from the first round on.
            // (How long that takes is the load's throughput on the shared machine, not a Raft timeout: allow several.)
            var from = sequence;
            await TestCluster.WaitForAsync(
                () => Task.FromResult<long[]?>([NewestSegment(wal)]), s => s[0] >= from + 2, $"round {round}: node {Lagging} to write two more WAL segments",
                within: TestCluster.Converge * 4);
            await AssertNotFullAsync(cluster);
            var walBefore = Scrape.Value((await Scrape.MetricsAsync(cluster, Lagging))!, "raftex_wal_disk_bytes");

            leader = await cluster.WaitForLeaderAsync([1, 2], except: Lagging);
            var behind = (await cluster.StatusAsync(Lagging))!;
            await Isolation.IsolateAsync(cluster, Lagging, [1, 2]);

            // The others move on and the leader compacts its log past everything the lagging follower holds.
            await cluster.UntilAsync(
                () => cluster.StatusAsync(leader), s => s.AppliedIndex > behind.LastIndex + 200, $"round {round}: the leader to apply well past node {Lagging}");
            var snapshot = await cluster.Admin(leader).TakeSnapshotAsync();
            Assert.True(snapshot.IsOk);
            var snapshotIndex = snapshot.Value!.SnapshotIndex;
            await Isolation.HealAsync(cluster, [1, 2]);

            await cluster.UntilAsync(
                () => cluster.StatusAsync(Lagging), s => s.SnapshotIndex >= snapshotIndex && s.AppliedIndex >= snapshotIndex,
                $"round {round}: node {Lagging} to install snapshot {snapshotIndex}");
            Assert.Contains($"Received snapshot at index {snapshotIndex} from the leader", cluster.Slot(Lagging).Process!.Output);

            // Once the install is durable the segments it covers go: the metric and the directory agree, within the bound.
            await cluster.UntilAsync(
                () => Task.FromResult<string?>(string.Join(' ', Directory.GetFiles(wal, "*.wal").Select(Path.GetFileName))),
                files => files.Split(' ').Length <= 2,
                $"round {round}: node {Lagging} to release the segments snapshot {snapshotIndex} covers");
            var walBytes = await Scrape.UntilAsync(
                cluster, Lagging, "raftex_wal_disk_bytes", b => b <= WalBound, $"round {round}: node {Lagging}'s WAL to shrink to at most {WalBound} bytes");
            sequence = NewestSegment(wal);
            var snapshotBytes = Scrape.Value((await Scrape.MetricsAsync(cluster, Lagging))!, "raftex_snapshot_disk_bytes");
            var snapshotFiles = Directory.GetFiles(snap, "*.snap");
            output.WriteLine($"round {round}: snapshot {snapshotIndex}, WAL {walBefore} bytes before, {walBytes} after, {snapshotFiles.Length} snapshot files, {snapshotBytes} bytes, tmpfs free {disk.FreeBytes}");
            Assert.True(snapshotFiles.Length <= 2, $"{snapshotFiles.Length} snapshot files kept");
            Assert.Equal(snapshotFiles.Sum(f => new FileInfo(f).Length), snapshotBytes);
            await AssertNotFullAsync(cluster);
        }

        await load.StopAsync();
        await history.VerifyAsync(cluster);
        Assert.DoesNotContain("Disk full", cluster.Slot(Lagging).Process!.Output, StringComparison.Ordinal);
    }

    /// <summary>The sequence number of the newest segment (file names are <c>{sequence:x16}-{firstIndex:x16}.wal</c>).</summary>
    private static long NewestSegment(string wal) =>
        Directory.GetFiles(wal, "*.wal").Max(f => long.Parse(Path.GetFileName(f).AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null));

    private static async Task AssertNotFullAsync(TestCluster cluster)
    {
        var status = (await cluster.StatusAsync(Lagging))!;
        Assert.False(status.DiskFull, status.DiskFullDetail);
        var metrics = (await Scrape.MetricsAsync(cluster, Lagging))!;
        Assert.Equal(0, Scrape.Value(metrics, "raftex_disk_full"));
    }
}

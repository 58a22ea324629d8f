using Raftex.Raft.Storage;

namespace Raftex.Cluster.Tests;

/// <summary>A data directory that lost or damaged what the node needs is refused at startup: exit 3 and one line saying what and what to do.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StartupRefusalTests
{
    private const string Refusal = "raftex-node: cannot start: ";

    [Fact]
    public async Task A_node_whose_newest_snapshot_file_is_missing_or_unreadable_refuses_to_start_and_starts_once_it_is_back()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var victim = cluster.Running.First(id => id != leader);
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 1, sessionClients: 0);
        await load.ProgressAsync(30);
        Assert.True((await cluster.Admin(victim).TakeSnapshotAsync()).IsOk);
        await load.ProgressAsync(30);
        var taken = await cluster.Admin(victim).TakeSnapshotAsync();
        Assert.True(taken.IsOk);
        var snapshotIndex = (long)taken.Value!.SnapshotIndex;

        // The log is compacted only once the snapshot's file and its mark in the WAL are durable (20 entries stay behind it).
        await cluster.UntilAsync(
            () => cluster.StatusAsync(victim), s => s.SnapshotIndex >= (ulong)snapshotIndex - 20, $"node {victim} to mark snapshot {snapshotIndex} in its WAL");
        cluster.Kill(victim);

        var snap = Path.Combine(cluster.Slot(victim).DataDir, "snap");
        var files = Directory.GetFiles(snap, "*.snap").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(SnapshotStore.Retained, files.Length);
        var (older, newest) = (files[0], files[1]);
        Assert.StartsWith($"{snapshotIndex:x16}-", Path.GetFileName(newest), StringComparison.Ordinal);

        // The newest snapshot file moved away: the WAL starts after it, so the node refuses instead of crashing.
        var aside = Path.Combine(cluster.Slot(victim).DataDir, "aside.snap");
        File.Move(newest, aside);
        var line = RefusedLine(cluster, victim);
        Assert.Contains($"starts after snapshot {snapshotIndex}/", line, StringComparison.Ordinal);
        Assert.Contains($"its file '{newest}' is missing", line, StringComparison.Ordinal);
        Assert.Contains($"the newest snapshot file is '{older}'", line, StringComparison.Ordinal);
        Assert.Contains($"Put '{Path.GetFileName(newest)}' back", line, StringComparison.Ordinal);
        Assert.Contains(RaftStorage.RejoinAdvice, line, StringComparison.Ordinal);

        // Back in place but holding exchange state this build cannot read (a later snapshot version, checksum intact).
        var original = File.ReadAllBytes(aside);
        File.Move(aside, newest);
        var store = new SnapshotStore(snap);
        var good = store.LoadNewest();
        var data = good.Data.ToArray();
        data[4] = 0xFF;
        data[5] = 0xFF;
        store.Save(new Raftex.Raft.Snapshot(good.Metadata, data));
        line = RefusedLine(cluster, victim);
        Assert.Contains($"snapshot file '{newest}' (index {snapshotIndex}, term ", line, StringComparison.Ordinal);
        Assert.Contains("holds exchange state this build cannot read: unsupported snapshot version 65535", line, StringComparison.Ordinal);
        Assert.Contains(RaftStorage.RejoinAdvice, line, StringComparison.Ordinal);

        // With the real file back the node starts from it and catches up; the others committed throughout, losing nothing.
        File.WriteAllBytes(newest, original);
        cluster.Start(victim);
        await cluster.UntilAsync(() => cluster.StatusAsync(victim), s => s.AppliedIndex >= (ulong)snapshotIndex, $"node {victim} to start from its snapshot");
        await load.ProgressAsync(100);
        await load.StopAsync();
        await history.VerifyAsync(cluster);
    }

    [Fact]
    public void A_node_whose_listen_address_another_process_holds_refuses_to_start_naming_it()
    {
        using var cluster = new TestCluster(1);
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, cluster.Slot(1).HttpPort);
        taken.Start();
        try
        {
            var line = RefusedLine(cluster, 1, bootstrap: true);
            Assert.Contains($"127.0.0.1:{cluster.Slot(1).HttpPort}", line, StringComparison.Ordinal);
            Assert.Contains("address already in use", line, StringComparison.Ordinal);
            Assert.Contains("choose another with --client-listen", line, StringComparison.Ordinal);
        }
        finally
        {
            taken.Stop();
        }
    }

    /// <summary>Starts node <paramref name="id"/>, expects the refusal, and returns its one line (no stack trace beside it).</summary>
    private static string RefusedLine(TestCluster cluster, long id, bool bootstrap = false)
    {
        var process = bootstrap ? cluster.Start(id, bootstrap: true, peerIds: [id]) : cluster.Start(id);
        Assert.True(process.WaitForExit(TestCluster.Converge), $"node {id} still runs:\n{process.Output}");
        Assert.Equal(3, process.ExitCode);
        Assert.DoesNotContain("Unhandled exception", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
        return Assert.Single(process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith(Refusal, StringComparison.Ordinal));
    }
}

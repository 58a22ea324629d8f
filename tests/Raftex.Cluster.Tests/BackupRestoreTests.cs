using Raftex.Backup;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>Backups streamed out of a real member, restored into a new cluster, and refused when damaged.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BackupRestoreTests : IDisposable
{
    private readonly string _storeRoot = Path.Combine(Path.GetTempPath(), $"raftex-backups-{Guid.NewGuid():n}");

    public void Dispose()
    {
        if (Directory.Exists(_storeRoot))
        {
            Directory.Delete(_storeRoot, recursive: true);
        }
    }

    /// <summary>A source cluster with acknowledged deposits and resting orders, quiet, and a backup of it taken on a follower.</summary>
    private async Task<(TestCluster Source, History History, CheckedBackup Backup, long Follower)> BackedUpSourceAsync(FilesystemBackupStore store)
    {
        var source = new TestCluster(3, clusterId: "source");
        source.Bootstrap(3);
        var leader = await source.WaitForLeaderAsync();
        var history = new History();
        var load = await Load.StartFundedAsync(source, history, unaryClients: 2, sessionClients: 1);
        await load.ProgressAsync(150);
        await load.StopAsync();
        using (var client = new ExchangeClient(source.ClientOptions()))
        {
            await history.ResolveUnknownsAsync(client);
        }

        await source.WaitForConvergenceAsync();
        var follower = source.Running.First(id => id != leader);
        using var admin = source.Admin(follower);
        var (stub, headers) = admin.Streaming;
        var backup = await BackupWriter.WriteAsync(stub, store, "nightly-1", headers, TimeProvider.System, CancellationToken.None);
        return (source, history, backup, follower);
    }

    private TestCluster RestoredCluster(string backup, string clusterId = "restored")
    {
        var restored = new TestCluster(3, clusterId: clusterId);
        restored.ExtraArgs.AddRange(["--restore-store", _storeRoot, "--restore-backup", backup]);
        return restored;
    }

    [Fact]
    public async Task A_backup_from_a_follower_restores_into_a_new_cluster_with_the_same_books_and_balances()
    {
        var store = new FilesystemBackupStore(_storeRoot);
        var (source, history, backup, follower) = await BackedUpSourceAsync(store);
        using var sourceCluster = source;
        var manifest = backup.Manifest;
        var sourceStatus = (await source.StatusAsync(follower))!;
        Assert.Equal((long)follower, manifest.NodeId);
        Assert.Equal("source", manifest.ClusterId);
        Assert.Equal([1L, 2, 3], manifest.Voters.Order());
        Assert.Equal((long)sourceStatus.AppliedIndex, manifest.Index);
        Assert.Equal(BackupManifest.FormatHash(sourceStatus.StateHash), manifest.StateHash);
        Assert.Equal(new FileInfo(Path.Combine(_storeRoot, "nightly-1", BackupManifest.DataFile)).Length, manifest.Size);
        Assert.Equal(["nightly-1"], await store.ListAsync(CancellationToken.None));

        using var restored = RestoredCluster("nightly-1");
        restored.Bootstrap(3);
        var leader = await restored.WaitForLeaderAsync();
        var statuses = await restored.WaitForConvergenceAsync();
        foreach (var status in statuses)
        {
            // A fresh identity, a log that begins after the backup's index, and the backup's state there.
            Assert.Equal("restored", status.ClusterId);
            Assert.Equal((ulong)manifest.Index, status.SnapshotIndex);
            Assert.True(status.AppliedIndex > (ulong)manifest.Index);
            Assert.Equal(manifest.StateHashValue, status.StateHash);
        }

        using (var restoredClient = new ExchangeClient(restored.ClientOptions()))
        using (var sourceClient = new ExchangeClient(source.ClientOptions()))
        {
            // Balances, reservations (open orders) and the book are what the acknowledged history implies, as on the source.
            await history.CheckAsync(restoredClient);
            var request = new GetOrderBookRequest { Symbol = "BTC-USD", Depth = 1000 };
            var restoredBook = await restoredClient.GetOrderBookAsync(request);
            var sourceBook = await sourceClient.GetOrderBookAsync(request);
            Assert.NotEmpty(sourceBook.Bids.Concat(sourceBook.Asks));
            Assert.Equal(sourceBook.Bids, restoredBook.Bids);
            Assert.Equal(sourceBook.Asks, restoredBook.Asks);

            // The restored cluster takes new orders.
            var deposit = await restoredClient.DepositAsync(History.Deposit(9_999, 1, "USD", 1_000));
            Assert.Equal(Outcome.Deposited, deposit.Outcome);
        }

        // The old cluster's members refuse the restored cluster's (another cluster id), and the reverse.
        using var crossAdmin = restored.Admin(leader);
        var add = await crossAdmin.AddLearnerAsync(9, $"127.0.0.1:{source.Slot(1).PeerPort}", (await source.StatusAsync(1))!.Incarnation);
        Assert.True(add.IsOk, add.ToString());
        var refused = await TestCluster.WaitForAsync(
            () => Task.FromResult<string?>(source.Logs().Contains("restored", StringComparison.Ordinal) ? source.Logs() : null),
            _ => true, "the source cluster to log the refused batch of cluster 'restored'");
        Assert.Contains("restored", refused, StringComparison.Ordinal);
        Assert.Equal("source", (await source.StatusAsync(1))!.ClusterId);
    }

    [Theory]
    [InlineData("flip", "checksum check failed")]
    [InlineData("truncate", "size check failed")]
    [InlineData("format", "format version check failed")]
    [InlineData("hash", "state hash check failed")]
    [InlineData("missing", "presence check failed")]
    public async Task A_damaged_backup_is_refused_before_the_node_starts(string damage, string expected)
    {
        var store = new FilesystemBackupStore(_storeRoot);
        var (source, _, _, _) = await BackedUpSourceAsync(store);
        source.Dispose();
        var data = Path.Combine(_storeRoot, "nightly-1", BackupManifest.DataFile);
        var manifestPath = Path.Combine(_storeRoot, "nightly-1", BackupManifest.FileName);
        var name = "nightly-1";
        switch (damage)
        {
            case "flip":
                var bytes = await File.ReadAllBytesAsync(data);
                bytes[bytes.Length / 2] ^= 0x40;
                await File.WriteAllBytesAsync(data, bytes);
                break;
            case "truncate":
                var whole = await File.ReadAllBytesAsync(data);
                await File.WriteAllBytesAsync(data, whole[..(whole.Length - 100)]);
                break;
            case "format":
                await File.WriteAllTextAsync(manifestPath, (await File.ReadAllTextAsync(manifestPath)).Replace("\"formatVersion\": 1", "\"formatVersion\": 7", StringComparison.Ordinal));
                break;
            case "hash":
                var manifest = BackupManifest.Parse(await File.ReadAllBytesAsync(manifestPath), manifestPath);
                await File.WriteAllBytesAsync(manifestPath, (manifest with { StateHash = BackupManifest.FormatHash(manifest.StateHashValue ^ 1) }).ToJson());
                break;
            default:
                name = "no-such-backup";
                break;
        }

        using var restored = RestoredCluster(name);
        var process = restored.Start(1, bootstrap: true, peerIds: [1, 2, 3]);
        Assert.True(process.WaitForExit(TestCluster.Converge), $"node 1 still runs:\n{process.Output}");
        Assert.Equal(3, process.ExitCode);
        Assert.Contains("raftex-node: cannot start: backup", process.Output, StringComparison.Ordinal);
        Assert.Contains(expected, process.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_storeRoot, name), process.Output, StringComparison.Ordinal);

        // Nothing was written: once the backup is fixed (here: a plain bootstrap), the same directory starts as new.
        Assert.False(File.Exists(Path.Combine(restored.Slot(1).DataDir, "identity")));
    }

    [Fact]
    public async Task A_restore_under_the_source_cluster_id_is_refused()
    {
        var store = new FilesystemBackupStore(_storeRoot);
        var (source, _, _, _) = await BackedUpSourceAsync(store);
        source.Dispose();
        using var restored = RestoredCluster("latest", clusterId: "source");
        var process = restored.Start(1, bootstrap: true, peerIds: [1, 2, 3]);
        Assert.True(process.WaitForExit(TestCluster.Converge), $"node 1 still runs:\n{process.Output}");
        Assert.Equal(3, process.ExitCode);
        Assert.Contains("needs a fresh --cluster-id", process.Output, StringComparison.Ordinal);
    }
}

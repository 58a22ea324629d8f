using Grpc.Core;
using Grpc.Net.Client;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>A leader's data directory on a small real tmpfs fills up under load, then space returns.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DiskFullTests
{
    private const long Full = 3;

    [Fact]
    public async Task A_leader_whose_disk_fills_refuses_writes_keeps_serving_status_and_stale_reads_and_resumes_losing_nothing()
    {
        using var cluster = new TestCluster(3);
        // 1 MiB segments: the next segment's space is claimed after at most 1 MiB of log, so the disk fills quickly.
        cluster.ExtraArgs.AddRange(["--wal-segment-mb", "1"]);
        using var disk = Tmpfs.Mount(16L * 1024 * 1024, cluster.Slot(Full).DataDir);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        if (leader != Full)
        {
            Assert.True((await cluster.Admin(leader).TransferLeadershipAsync((ulong)Full)).IsOk);
            await cluster.UntilAsync(() => cluster.StatusAsync(Full), s => s.Role == Role.Leader, $"node {Full} to lead");
        }

        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 2, sessionClients: 2);
        await load.ProgressAsync(50);
        var filler = disk.Fill(leaveFree: 128 * 1024);

        var stalled = await cluster.UntilAsync(() => cluster.StatusAsync(Full), s => s.DiskFull, $"node {Full} to report its disk full");
        Assert.Contains("No space left on device", stalled.DiskFullDetail);
        Assert.False(stalled.Ready);

        // The other two elect a leader among themselves and keep committing.
        var next = await cluster.WaitForLeaderAsync([1, 2], except: Full);
        Assert.NotEqual(Full, next);
        await load.ProgressAsync(100);

        // The full node refuses writes with a precise status, and keeps answering status, stale reads and probes.
        using (var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{cluster.Slot(Full).ClientPort}"))
        {
            var exchange = new Raftex.Protocol.V1.Exchange.ExchangeClient(channel);
            var refused = await Assert.ThrowsAsync<RpcException>(() =>
                exchange.SubmitOrderAsync(History.Order(Load.AccountOf(0), 9_000_000, new Random(7))).ResponseAsync);
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("disk full", refused.Status.Detail);

            var stale = await exchange.GetAccountAsync(new GetAccountRequest { Account = Load.AccountOf(0), Stale = true });
            Assert.Contains(stale.Balances, b => b.Asset == "USD");

            var linearizable = await Assert.ThrowsAsync<RpcException>(() =>
                exchange.GetAccountAsync(new GetAccountRequest { Account = Load.AccountOf(0) }).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, linearizable.StatusCode);
            Assert.Contains("disk full", linearizable.Status.Detail);
        }

        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.Slot(Full).HttpPort}") })
        {
            var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("disk full", await ready.Content.ReadAsStringAsync());
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("raftex_disk_full 1", metrics);
        }

        Assert.False(cluster.Slot(Full).Process!.HasExited, "a full disk is not a reason to exit");

        // Space returns: the node writes what it had pending, rejoins, and nothing acknowledged is lost or doubled.
        File.Delete(filler);
        await cluster.UntilAsync(() => cluster.StatusAsync(Full), s => !s.DiskFull && s.Ready, $"node {Full} to resume once space returned");
        await load.ProgressAsync(50);
        await load.StopAsync();
        await history.VerifyAsync(cluster);
    }
}

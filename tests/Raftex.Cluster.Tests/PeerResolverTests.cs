using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PeerResolverTests
{
    [Fact]
    public async Task A_node_restarted_on_a_new_ip_is_found_again_through_its_name_once_the_resolver_says_so()
    {
        using var cluster = new TestCluster(3, checkpointInterval: 10, namedPeers: true);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var history = new History();
        using (var client = new ExchangeClient(cluster.ClientOptions()))
        {
            await PlaceAsync(history, client, account: 1, from: 1, count: 15);
        }

        // The pod of a follower dies and comes back on another IP with its disk; the others know it only by name.
        var moved = cluster.Running.First(id => id != leader);
        var other = cluster.Running.First(id => id != leader && id != moved);
        cluster.Kill(moved);
        using (var client = new ExchangeClient(cluster.ClientOptions()))
        {
            await PlaceAsync(history, client, account: 2, from: 1, count: 15);
        }

        var target = (await cluster.StatusAsync(leader))!.CommitIndex;
        cluster.Start(moved, bootstrap: true, ip: "127.0.0.2");
        await cluster.UntilAsync(() => cluster.StatusAsync(moved), s => s.Incarnation.Length > 0, "the moved node to serve status");

        // While the name still points at the old IP nobody reaches it, so it cannot catch up.
        var deadline = DateTime.UtcNow.AddMilliseconds(TestCluster.ElectionMs * 3);
        while (DateTime.UtcNow < deadline)
        {
            var s = (await cluster.StatusAsync(moved))!;
            Assert.True(s.AppliedIndex < target, $"node {moved} applied {s.AppliedIndex} of {target} while its name pointed at the old IP");
            await Task.Delay(TestCluster.HeartbeatMs);
        }

        // The name now resolves to the new IP: the leader's next reconnect finds it and it catches up.
        cluster.MapName(moved, "127.0.0.2");
        await cluster.UntilAsync(() => cluster.StatusAsync(moved), s => s.AppliedIndex >= target, $"node {moved} to catch up to {target} at its new IP");
        await OutputAsync(cluster, leader, "now resolves to 127.0.0.2");

        // Leadership moves to the node at the new IP; the remaining follower forwards writes to it through its name.
        var transfer = await cluster.Admin(leader).TransferLeadershipAsync((ulong)moved);
        Assert.True(transfer.IsOk, transfer.ToString());
        Assert.Equal(moved, await cluster.WaitForLeaderAsync());
        var viaFollower = cluster.ExchangeAt(other);
        DateTime Deadline() => DateTime.UtcNow.AddMilliseconds(TestCluster.ElectionMs * 4);
        foreach (var deposit in new[] { History.Deposit(3, 1, "USD", History.UsdDeposit), History.Deposit(3, 2, "BTC", History.BtcDeposit) })
        {
            history.Sent(deposit);
            history.Acked(deposit, await viaFollower.DepositAsync(deposit, deadline: Deadline()));
        }

        var random = new Random(3);
        for (ulong id = 1001; id <= 1005; id++)
        {
            var order = History.Order(3, id, random);
            history.Sent(order);
            var reply = await viaFollower.SubmitOrderAsync(order, deadline: Deadline());
            Assert.Equal(Outcome.Accepted, reply.Outcome);
            history.Acked(order, reply);
        }

        await OutputAsync(cluster, other, "resolves to 127.0.0.2");

        using (var client = new ExchangeClient(cluster.ClientOptions()))
        {
            await PlaceAsync(history, client, account: 4, from: 1, count: 10);
            await history.CheckAsync(client);
        }

        History.CheckReplicas(await cluster.WaitForConvergenceAsync());
    }

    [Fact]
    public async Task A_node_whose_hosts_file_is_missing_refuses_to_start_naming_the_file()
    {
        using var cluster = new TestCluster(1, checkpointInterval: 10, namedPeers: true);
        File.Delete(cluster.HostsFile);
        var node = cluster.Start(1, bootstrap: true);
        Assert.True(node.WaitForExit(TestCluster.Converge));
        Assert.Equal(3, node.ExitCode);
        Assert.Contains($"peer hosts file '{cluster.HostsFile}' does not exist", node.Output, StringComparison.Ordinal);
    }

    /// <summary>Waits for a node's log to show <paramref name="text"/> (its console output arrives asynchronously).</summary>
    private static Task OutputAsync(TestCluster cluster, long id, string text) =>
        cluster.UntilAsync(
            () => Task.FromResult<string?>(cluster.Slot(id).Process!.Output),
            output => output.Contains(text, StringComparison.Ordinal),
            $"node {id} to log '{text}'");

    /// <summary>Funds an account and places <paramref name="count"/> resting orders from it, recording every acknowledgement.</summary>
    private static async Task PlaceAsync(History history, ExchangeClient client, ulong account, ulong from, int count)
    {
        await history.DepositAsync(client, History.Deposit(account, 1, "USD", History.UsdDeposit));
        await history.DepositAsync(client, History.Deposit(account, 2, "BTC", History.BtcDeposit));
        var random = new Random((int)account);
        for (var i = 0; i < count; i++)
        {
            await history.SubmitAsync(client, History.Order(account, 1000 + from + (ulong)i, random));
        }

        Assert.Equal(0, history.Unknown);
    }
}

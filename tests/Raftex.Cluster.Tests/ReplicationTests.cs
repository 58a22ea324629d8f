using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ReplicationTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Concurrent_clients_see_every_acknowledged_order_exactly_once_on_every_replica(int voters)
    {
        using var cluster = new TestCluster(voters);
        cluster.Bootstrap(voters);
        await cluster.WaitForLeaderAsync();
        var history = new History();
        var load = await Load.StartFundedAsync(cluster, history, unaryClients: 3, sessionClients: 2);
        await load.ProgressAsync(300);
        await load.StopAsync();

        await history.VerifyAsync(cluster);
    }

    [Fact]
    public async Task A_follower_forwards_writes_and_redirects_sessions_to_the_leader()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Running.First(id => id != leader);

        using var viaFollower = new ExchangeClient(cluster.ClientOptions([follower]));
        var deposit = await viaFollower.DepositAsync(History.Deposit(7, 1, "USD", 1_000_000));
        Assert.Equal(Outcome.Deposited, deposit.Outcome);
        Assert.True(deposit.LogIndex > 0);

        var info = await viaFollower.DiscoverLeaderAsync();
        Assert.Equal($"http://127.0.0.1:{cluster.Slot(leader).ClientPort}", info);

        await using var session = new OrderSessionClient(cluster.ClientOptions([follower]));
        var report = await session.SendAsync(new SessionCommand
        {
            Submit = new SubmitOrderRequest
            {
                Account = 7, ClientOrderId = 100, Symbol = "BTC-USD", Side = OrderSide.Buy, Kind = OrderKind.Limit, TimeInForce = TimeInForce.Gtc, Price = 99_000, Quantity = 2,
            },
        });
        Assert.Equal(0u, report.ErrorCode);
        Assert.Equal(Outcome.Accepted, report.Reply.Outcome);
        Assert.True(session.SessionId > 0);
    }

    [Fact]
    public async Task A_retried_order_with_the_same_client_order_id_is_reported_as_a_duplicate()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        await cluster.WaitForLeaderAsync();
        using var client = new ExchangeClient(cluster.ClientOptions());
        await client.DepositAsync(History.Deposit(3, 1, "USD", 1_000_000_000));
        var order = new SubmitOrderRequest
        {
            Account = 3, ClientOrderId = 42, Symbol = "BTC-USD", Side = OrderSide.Buy, Kind = OrderKind.Limit, TimeInForce = TimeInForce.Gtc, Price = 99_100, Quantity = 5,
        };
        var first = await client.SubmitOrderAsync(order);
        var again = await client.SubmitOrderAsync(order);
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.OrderId, again.OrderId);
        var account = await client.GetAccountAsync(new GetAccountRequest { Account = 3 });
        Assert.Equal(99_100 * 5, account.Balances.Single(b => b.Asset == "USD").Reserved);
    }

    [Fact]
    public async Task Malformed_requests_get_precise_invalid_argument_errors()
    {
        using var cluster = new TestCluster(3);
        cluster.Bootstrap(3);
        await cluster.WaitForLeaderAsync();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{cluster.Slot(1).ClientPort}");
        var raw = new Raftex.Protocol.V1.Exchange.ExchangeClient(channel);
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await raw.SubmitOrderAsync(new SubmitOrderRequest
        {
            Account = 1, ClientOrderId = 1, Symbol = "NOPE-USD", Side = OrderSide.Buy, Kind = OrderKind.Limit, TimeInForce = TimeInForce.Gtc, Price = 1, Quantity = 1,
        }));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("NOPE-USD", error.Status.Detail, StringComparison.Ordinal);

        error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await raw.DepositAsync(History.Deposit(1, 1, "USD", -5)));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("amount", error.Status.Detail, StringComparison.Ordinal);
    }
}

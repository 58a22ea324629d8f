using System.Collections.Concurrent;
using Grpc.Core;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>
/// Every client operation and what came of it. Definite outcomes are acknowledgements (committed) and refusals before
/// proposing; anything else is unknown and resubmitted with the same ids after healing. The check then demands that the
/// cluster's balances and book equal exactly what the acknowledged history implies: nothing lost, nothing applied twice.
/// </summary>
internal sealed class History
{
    public const long UsdDeposit = 1_000_000_000_000;
    public const long BtcDeposit = 1_000_000_000;

    private readonly ConcurrentDictionary<(ulong Account, ulong ClientOrderId), SubmitOrderRequest> _orders = new();
    private readonly ConcurrentDictionary<(ulong Account, ulong ClientOrderId), CommandReply> _acked = new();
    private readonly ConcurrentDictionary<(ulong Account, ulong TransactionId), TransferRequest> _deposits = new();
    private readonly ConcurrentDictionary<(ulong Account, ulong TransactionId), CommandReply> _depositAcks = new();
    private long _unknown;

    public long Acknowledged => _acked.Count;

    public long Unknown => Interlocked.Read(ref _unknown);

    public static TransferRequest Deposit(ulong account, ulong txid, string asset, long amount) =>
        new() { Account = account, TransactionId = txid, Asset = asset, Amount = amount };

    /// <summary>A resting (never crossing) order: buys below 100,000, sells above, over 500 levels a side.</summary>
    public static SubmitOrderRequest Order(ulong account, ulong clientOrderId, Random random)
    {
        var buy = random.Next(2) == 0;
        return new SubmitOrderRequest
        {
            Account = account,
            ClientOrderId = clientOrderId,
            Symbol = "BTC-USD",
            Side = buy ? OrderSide.Buy : OrderSide.Sell,
            Kind = OrderKind.Limit,
            TimeInForce = TimeInForce.Gtc,
            Price = buy ? 99_000 + random.Next(500) : 100_500 + random.Next(500),
            Quantity = 1 + random.Next(10),
        };
    }

    public void Sent(SubmitOrderRequest order) => _orders[(order.Account, order.ClientOrderId)] = order;

    public void Sent(TransferRequest deposit) => _deposits[(deposit.Account, deposit.TransactionId)] = deposit;

    public void Acked(SubmitOrderRequest order, CommandReply reply)
    {
        Assert.True(reply.Outcome == Outcome.Accepted, $"order {order.Account}/{order.ClientOrderId} was {reply.Outcome} ({reply.RejectReasonName})");
        _acked[(order.Account, order.ClientOrderId)] = reply;
    }

    public void Acked(TransferRequest deposit, CommandReply reply)
    {
        Assert.True(reply.Outcome == Outcome.Deposited, $"deposit {deposit.Account}/{deposit.TransactionId} was {reply.Outcome} ({reply.RejectReasonName})");
        _depositAcks[(deposit.Account, deposit.TransactionId)] = reply;
    }

    /// <summary>Some acknowledged orders with their replies, for retry checks.</summary>
    public IReadOnlyList<(SubmitOrderRequest Order, CommandReply Reply)> AcknowledgedOrders(int count) =>
        _acked.OrderBy(a => a.Key).Take(count).Select(a => (_orders[a.Key], a.Value)).ToList();

    public void Unknowable() => Interlocked.Increment(ref _unknown);

    /// <summary>Unary submit, recording the outcome; a failure after retries counts as unknown.</summary>
    public async Task SubmitAsync(ExchangeClient client, SubmitOrderRequest order)
    {
        Sent(order);
        try
        {
            Acked(order, await client.SubmitOrderAsync(order).ConfigureAwait(false));
        }
        catch (RpcException ex) when (ExchangeClient.IsRetryable(ex.StatusCode))
        {
            Unknowable();
        }
    }

    public async Task DepositAsync(ExchangeClient client, TransferRequest deposit)
    {
        Sent(deposit);
        try
        {
            Acked(deposit, await client.DepositAsync(deposit).ConfigureAwait(false));
        }
        catch (RpcException ex) when (ExchangeClient.IsRetryable(ex.StatusCode))
        {
            Unknowable();
        }
    }

    /// <summary>Resubmits every operation without an acknowledgement, with its original ids.</summary>
    public async Task ResolveUnknownsAsync(ExchangeClient client)
    {
        foreach (var (key, deposit) in _deposits)
        {
            if (!_depositAcks.ContainsKey(key))
            {
                Acked(deposit, await client.DepositAsync(deposit).ConfigureAwait(false));
            }
        }

        foreach (var (key, order) in _orders)
        {
            if (!_acked.ContainsKey(key))
            {
                Acked(order, await client.SubmitOrderAsync(order).ConfigureAwait(false));
            }
        }
    }

    /// <summary>Balances and the book must equal what the acknowledged history implies, read linearizably from the cluster.</summary>
    public async Task CheckAsync(ExchangeClient client)
    {
        Assert.Equal(_orders.Count, _acked.Count);
        Assert.Equal(_deposits.Count, _depositAcks.Count);

        // Each acknowledged order is a distinct order id: a retry never created a second one.
        var ids = _acked.Values.Select(r => r.OrderId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        foreach (var account in _deposits.Keys.Select(k => k.Account).Distinct())
        {
            var usd = _deposits.Where(d => d.Key.Account == account && d.Value.Asset == "USD").Sum(d => d.Value.Amount);
            var btc = _deposits.Where(d => d.Key.Account == account && d.Value.Asset == "BTC").Sum(d => d.Value.Amount);
            var orders = _orders.Where(o => o.Key.Account == account).Select(o => o.Value).ToList();
            var usdReserved = orders.Where(o => o.Side == OrderSide.Buy).Sum(o => o.Price * o.Quantity);
            var btcReserved = orders.Where(o => o.Side == OrderSide.Sell).Sum(o => o.Quantity);
            var state = await client.GetAccountAsync(new GetAccountRequest { Account = account }).ConfigureAwait(false);
            var usdBalance = state.Balances.Single(b => b.Asset == "USD");
            var btcBalance = state.Balances.Single(b => b.Asset == "BTC");
            Assert.True(usd == usdBalance.Free + usdBalance.Reserved, $"account {account}: USD total {usdBalance.Free + usdBalance.Reserved}, history implies {usd}");
            Assert.True(usdReserved == usdBalance.Reserved, $"account {account}: USD reserved {usdBalance.Reserved}, history implies {usdReserved}");
            Assert.True(btc == btcBalance.Free + btcBalance.Reserved, $"account {account}: BTC total {btcBalance.Free + btcBalance.Reserved}, history implies {btc}");
            Assert.True(btcReserved == btcBalance.Reserved, $"account {account}: BTC reserved {btcBalance.Reserved}, history implies {btcReserved}");
        }

        var book = await client.GetOrderBookAsync(new GetOrderBookRequest { Symbol = "BTC-USD", Depth = 1000 }).ConfigureAwait(false);
        var expected = _orders.Values.GroupBy(o => (o.Side, o.Price)).ToDictionary(g => g.Key, g => g.Sum(o => o.Quantity));
        var actual = book.Bids.Select(l => ((OrderSide.Buy, l.Price), l.Quantity)).Concat(book.Asks.Select(l => ((OrderSide.Sell, l.Price), l.Quantity)))
            .ToDictionary(p => p.Item1, p => p.Quantity);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (level, quantity) in expected)
        {
            Assert.True(actual.TryGetValue(level, out var q) && q == quantity, $"level {level}: book has {q}, history implies {quantity}");
        }
    }

    /// <summary>
    /// The end of every scenario: resubmit unknown outcomes with their ids, check balances and books against the
    /// acknowledged history, then check the replicas' state-hash checkpoints.
    /// </summary>
    public async Task VerifyAsync(TestCluster cluster, IReadOnlyList<long>? nodes = null)
    {
        using var client = new ExchangeClient(cluster.ClientOptions(nodes));
        await ResolveUnknownsAsync(client);
        await CheckAsync(client);
        CheckReplicas(await cluster.WaitForConvergenceAsync(nodes));
    }

    /// <summary>All nodes report equal state hashes at every checkpoint index they share (and share at least one), and equal hashes at the converged index.</summary>
    public static void CheckReplicas(IReadOnlyList<NodeStatus> statuses)
    {
        Assert.True(statuses.Count >= 2);
        Assert.Single(statuses.Select(s => s.AppliedIndex).Distinct());
        Assert.Single(statuses.Select(s => s.StateHash).Distinct());
        for (var i = 1; i < statuses.Count; i++)
        {
            var a = statuses[0].Checkpoints.ToDictionary(c => c.Index, c => c.StateHash);
            var shared = 0;
            foreach (var c in statuses[i].Checkpoints)
            {
                if (a.TryGetValue(c.Index, out var hash))
                {
                    shared++;
                    Assert.True(hash == c.StateHash, $"nodes {statuses[0].NodeId} and {statuses[i].NodeId} differ at checkpoint {c.Index}");
                }
            }

            Assert.True(shared > 0, $"nodes {statuses[0].NodeId} and {statuses[i].NodeId} share no checkpoint index");
        }
    }
}

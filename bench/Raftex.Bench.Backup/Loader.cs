using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Bench.Backup;

/// <summary>
/// Fills the exchange: one deposit per account (odd accounts USD to bid, even accounts BTC to offer), then resting limit
/// orders spread over the accounts, bids at 95,000–98,999 and asks at 101,001–104,999 (BTC-USD trades around 100,000
/// within a 5% band), so nothing crosses and every order rests. Deposits go unary, orders over order sessions.
/// </summary>
internal static class Loader
{
    public const int Sessions = 8;
    public const int PerSession = 32;

    public static async Task DepositAsync(IReadOnlyList<string> addresses, long accounts)
    {
        using var client = new ExchangeClient(new ExchangeClientOptions { Addresses = addresses, ConnectionsPerNode = 8, RetryBudget = TimeSpan.FromSeconds(60) });
        long next = 0, refused = 0;
        await Task.WhenAll(Enumerable.Range(0, Sessions * PerSession).Select(_ => Task.Run(async () =>
        {
            for (var account = Interlocked.Increment(ref next); account <= accounts; account = Interlocked.Increment(ref next))
            {
                var bidder = account % 2 == 1;
                var reply = await client.DepositAsync(new TransferRequest
                {
                    Account = (ulong)account, TransactionId = 1, Asset = bidder ? "USD" : "BTC", Amount = bidder ? 1_000_000_000_000 : 100_000_000,
                });
                if (reply.Outcome != Outcome.Deposited)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));
        if (refused > 0)
        {
            throw new InvalidOperationException($"{refused} of {accounts} deposits were refused");
        }
    }

    /// <summary>One more deposit to a fresh account, so the next backup cannot reuse the snapshot the last one took; returns its log index.</summary>
    public static async Task<long> NudgeAsync(IReadOnlyList<string> addresses, long account)
    {
        using var client = new ExchangeClient(new ExchangeClientOptions { Addresses = addresses });
        var reply = await client.DepositAsync(new TransferRequest { Account = (ulong)account, TransactionId = 1, Asset = "USD", Amount = 1 });
        if (reply.Outcome != Outcome.Deposited)
        {
            throw new InvalidOperationException($"the deposit to account {account} was refused: {reply}");
        }

        return (long)reply.LogIndex;
    }

    public static async Task PlaceRestingAsync(IReadOnlyList<string> addresses, long orders, long accounts)
    {
        long next = -1, notResting = 0, errors = 0;
        string? firstProblem = null;
        await Task.WhenAll(Enumerable.Range(0, Sessions).Select(s => Task.Run(async () =>
        {
            await using var session = new OrderSessionClient(new ExchangeClientOptions { Addresses = [addresses[s % addresses.Count]], RetryBudget = TimeSpan.FromSeconds(60) });
            await session.OpenAsync();
            await Task.WhenAll(Enumerable.Range(0, PerSession).Select(_ => Task.Run(async () =>
            {
                for (var n = Interlocked.Increment(ref next); n < orders; n = Interlocked.Increment(ref next))
                {
                    var report = await session.SendAsync(new SessionCommand { Submit = Resting(n, accounts) });
                    if (report.ErrorCode != 0 || report.Reply.Outcome != Outcome.Accepted || report.Reply.RemainingQuantity != 1)
                    {
                        if (report.ErrorCode != 0)
                        {
                            Interlocked.Increment(ref errors);
                        }
                        else
                        {
                            Interlocked.Increment(ref notResting);
                        }

                        Interlocked.CompareExchange(ref firstProblem, $"order {n}: error {report.ErrorCode} {report.ErrorMessage}, reply {report.Reply}", null);
                    }
                }
            })));
        })));
        if (errors + notResting > 0)
        {
            throw new InvalidOperationException($"{errors} orders refused and {notResting} not resting of {orders}; first: {firstProblem}");
        }
    }

    /// <summary>
    /// Order <paramref name="n"/>: account 1 + n mod accounts, client order id 2 + n / accounts (client ids share one space
    /// per account with the deposit's transaction id 1), one lot far from the touch.
    /// </summary>
    public static SubmitOrderRequest Resting(long n, long accounts)
    {
        var account = 1 + (n % accounts);
        var spread = (n * 7_919) % 3_999;
        var bid = account % 2 == 1;
        return new SubmitOrderRequest
        {
            Account = (ulong)account, ClientOrderId = (ulong)(2 + (n / accounts)), Symbol = "BTC-USD", Side = bid ? OrderSide.Buy : OrderSide.Sell,
            Kind = OrderKind.Limit, TimeInForce = TimeInForce.Gtc, Price = bid ? 95_000 + spread : 101_001 + spread, Quantity = 1,
        };
    }
}

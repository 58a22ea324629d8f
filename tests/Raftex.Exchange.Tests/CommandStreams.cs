using CsCheck;

namespace Raftex.Exchange.Tests;

/// <summary>
/// CsCheck generators of random command streams over small domains (4 accounts, 40 client ids, 2 instruments) so that
/// crossings, self-trades, repeated client ids and stale targets happen often; a few values are deliberately out of range.
/// Streams are generated from fixed seeds so every run checks the same cases and a failure names its seed.
/// </summary>
public static class CommandStreams
{
    private static readonly Gen<long> Account = Gen.Frequency((200, Gen.Long[1, 4]), (1, Gen.Const(0L)), (1, Gen.Const(-3L)));
    private static readonly Gen<long> ClientId = Gen.Frequency((200, Gen.Long[1, 40]), (1, Gen.Const(0L)), (1, Gen.Const(-1L)));
    private static readonly Gen<int> Instrument = Gen.Frequency((100, Gen.Int[0, 1]), (1, Gen.Const(2)), (1, Gen.Const(-1)));
    private static readonly Gen<Side> SideGen = Gen.Frequency((150, Gen.OneOf(Side.Buy, Side.Sell)), (1, Gen.OneOf((Side)0, (Side)3)));
    private static readonly Gen<OrderType> TypeGen = Gen.Frequency((120, Gen.Const(OrderType.Limit)), (30, Gen.Const(OrderType.Market)), (1, Gen.Const((OrderType)9)));
    private static readonly Gen<TimeInForce> TifGen = Gen.Frequency(
        (80, Gen.Const(TimeInForce.Gtc)), (25, Gen.Const(TimeInForce.Ioc)), (20, Gen.Const(TimeInForce.Fok)), (20, Gen.Const(TimeInForce.PostOnly)), (1, Gen.Const((TimeInForce)0)));
    private static readonly Gen<SelfTradePrevention> StpGen = Gen.Frequency(
        (60, Gen.Const(SelfTradePrevention.CancelTaker)), (30, Gen.Const(SelfTradePrevention.CancelMaker)), (30, Gen.Const(SelfTradePrevention.CancelBoth)), (1, Gen.Const((SelfTradePrevention)7)));

    /// <summary>A price offset in ticks around the reference, or an absurd raw price.</summary>
    private static readonly Gen<(int Offset, long Raw)> PriceGen = Gen.Frequency(
        (150, Gen.Int[-12, 12].Select(k => (k, 0L))),
        (1, Gen.Long[-5, 3000].Select(p => (0, p))),
        (1, Gen.OneOf(long.MaxValue, long.MaxValue / 10_000, 1_000_003L).Select(p => (0, p))));

    private static readonly Gen<long> QuantityGen = Gen.Frequency(
        (150, Gen.Long[1, 15].Select(q => q * 2)),
        (2, Gen.OneOf(0L, -2L, 3L, 2_000L, long.MaxValue / 4)));

    private static readonly Gen<int> AssetGen = Gen.Frequency((100, Gen.Int[0, 2]), (1, Gen.OneOf(3, -1)));

    private static readonly Gen<long> AmountGen = Gen.Frequency(
        (100, Gen.Long[1, 300_000]), (10, Gen.Long[1, 400]), (1, Gen.OneOf(0L, -5L, long.MaxValue)));

    private static readonly Gen<Command> Deposit =
        from a in Account
        from id in ClientId
        from asset in AssetGen
        from amount in AmountGen
        select new Command { Type = CommandType.Deposit, Account = a, ClientId = id, Asset = asset, Amount = amount };

    private static readonly Gen<Command> Withdraw = Deposit.Select(c => c with { Type = CommandType.Withdraw });

    private static readonly Gen<Command> Place =
        from a in Account
        from id in ClientId
        from instrument in Instrument
        from side in SideGen
        from type in TypeGen
        from tif in TifGen
        from stp in StpGen
        from price in PriceGen
        from qty in QuantityGen
        select new Command
        {
            Type = CommandType.PlaceOrder, Account = a, ClientId = id, Instrument = instrument, Side = side, OrderType = type,
            TimeInForce = type == OrderType.Market && tif is TimeInForce.Gtc ? TimeInForce.Ioc : tif,
            SelfTradePrevention = stp, Price = Price(instrument, price), Quantity = qty,
        };

    private static readonly Gen<long> OrderIdGen = Gen.Frequency((6, Gen.Const(0L)), (1, Gen.Long[1, 300]));

    private static readonly Gen<Command> Cancel =
        from a in Account
        from id in ClientId
        from orig in ClientId
        from orderId in OrderIdGen
        select new Command { Type = CommandType.CancelOrder, Account = a, ClientId = id, OrigClientId = orig, OrderId = orderId };

    private static readonly Gen<Command> Replace =
        from a in Account
        from id in ClientId
        from orig in ClientId
        from orderId in OrderIdGen
        from instrument in Gen.Frequency((3, Gen.Const(0)), (1, Gen.Const(1)))
        from price in PriceGen
        from qty in QuantityGen
        select new Command
        {
            Type = CommandType.ReplaceOrder, Account = a, ClientId = id, OrigClientId = orig, OrderId = orderId, Price = Price(instrument, price), Quantity = qty,
        };

    /// <summary>One random order or transfer command (sessionless).</summary>
    public static readonly Gen<Command> AnyCommand = Gen.Frequency((4, Deposit), (1, Withdraw), (12, Place), (3, Cancel), (5, Replace));

    /// <summary>A stream that starts by funding the accounts, then mixes everything.</summary>
    public static readonly Gen<Command[]> Stream =
        from funding in Gen.Frequency((3, Gen.Long[1_000_000, 50_000_000]), (1, Gen.Long[1_000, 30_000])).Array[12]
        from rest in AnyCommand.Array[20, 250]
        select AssignClientIds([.. funding.Select((amount, i) => new Command { Type = CommandType.Deposit, Account = 1 + (i / 3), ClientId = 100, Asset = i % 3, Amount = amount }), .. rest]);

    /// <summary>
    /// Turns the generated client-id selectors (1..40) into realistic ids: mostly fresh ids, sometimes a repeat of an id
    /// already used by the account (a retry or a reuse), and targets that mostly name one of the account's recent orders.
    /// </summary>
    private static Command[] AssignClientIds(Command[] commands)
    {
        var next = new Dictionary<long, long>();
        var used = new Dictionary<long, List<long>>();
        var orderIds = new Dictionary<long, List<long>>();
        var requested = new Dictionary<(long, long), (long Price, long Quantity)>();
        for (var i = 0; i < commands.Length; i++)
        {
            var c = commands[i];
            if (c.Account <= 0 || c.ClientId <= 0)
            {
                continue;
            }

            var mine = used.TryGetValue(c.Account, out var u) ? u : used[c.Account] = [];
            var orders = orderIds.TryGetValue(c.Account, out var o) ? o : orderIds[c.Account] = [];
            if (c.OrigClientId > 0)
            {
                c.OrigClientId = c.OrigClientId <= 36 && orders.Count > 0 ? orders[orders.Count - 1 - (int)(c.OrigClientId % Math.Min(orders.Count, 4))] : 10_000 + c.OrigClientId;
                if (c.OrigClientId % 4 != 0)
                {
                    // Usually forget a target once cancelled or replaced; sometimes keep it so stale targets get tested too.
                    orders.Remove(c.OrigClientId);
                }
            }

            if (c.Type == CommandType.ReplaceOrder && c.OrderId == 0 && requested.TryGetValue((c.Account, c.OrigClientId), out var target) && c.Quantity % 3 != 0)
            {
                // Most replaces keep the price and nudge the quantity, so both priority rules get exercised often.
                c.Price = target.Price;
                c.Quantity = Math.Max(2, target.Quantity + (c.Quantity % 5 * 2) - 4);
            }

            if (c.ClientId <= 3 && mine.Count > 0)
            {
                c.ClientId = mine[(int)(c.ClientId * 7 % mine.Count)];
            }
            else
            {
                c.ClientId = next[c.Account] = next.GetValueOrDefault(c.Account) + 1;
                mine.Add(c.ClientId);
                if (c.Type == CommandType.ReplaceOrder || (c.Type == CommandType.PlaceOrder && c.OrderType == OrderType.Limit && c.TimeInForce is TimeInForce.Gtc or TimeInForce.PostOnly))
                {
                    orders.Add(c.ClientId);
                    requested[(c.Account, c.ClientId)] = (c.Price, c.Quantity);
                }
            }

            commands[i] = c;
        }

        return commands;
    }

    /// <summary>Calls <paramref name="check"/> with the value generated from each of the seeds 1..count, naming the seed on failure.</summary>
    public static void ForEachSeed<T>(Gen<T> gen, int count, Action<int, T> check)
    {
        for (var seed = 1; seed <= count; seed++)
        {
            var value = gen.Generate(new PCG(7, (ulong)seed), null!, out _);
            try
            {
                check(seed, value);
            }
            catch (Exception e) when (e is not SeedFailure)
            {
                throw new SeedFailure($"seed {seed}: {e.Message}", e);
            }
        }
    }

    private static long Price(int instrument, (int Offset, long Raw) p) =>
        p.Raw != 0 ? p.Raw : instrument == 1 ? 100 + p.Offset : 1_000 + (5 * p.Offset);

    /// <summary>Wraps a failure with the seed that reproduces it.</summary>
    public sealed class SeedFailure(string message, Exception inner) : Exception(message, inner);
}

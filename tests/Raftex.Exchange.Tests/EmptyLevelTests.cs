namespace Raftex.Exchange.Tests;

/// <summary>Levels emptied below the top stay in place until swept; none of that may show in results or queries.</summary>
public sealed class EmptyLevelTests
{
    [Fact]
    public void Deep_book_with_scattered_cancels_sweeps_and_reuses_levels_exactly_like_the_reference_model()
    {
        var config = ExchangeDriver.DefaultConfig(retention: long.MaxValue / 4);
        var x = new ExchangeDriver(config);
        var model = new ReferenceExchange(config);
        var random = new Random(7);
        var commands = new List<Command>
        {
            new() { Type = CommandType.Deposit, Account = 1, ClientId = 1, Asset = ExchangeDriver.Usd, Amount = 1_000_000_000 },
            new() { Type = CommandType.Deposit, Account = 2, ClientId = 1, Asset = ExchangeDriver.Eth, Amount = 1_000_000 },
        };
        long next = 10;
        for (var round = 0; round < 6; round++)
        {
            // 300 asks at distinct prices, then cancel most of them in scattered order, re-place some, and sweep the top.
            var ids = new List<long>();
            foreach (var price in Enumerable.Range(101, 300).OrderBy(_ => random.Next()))
            {
                ids.Add(++next);
                commands.Add(Place(2, next, Side.Sell, TimeInForce.Gtc, price, 1 + random.Next(3)));
            }

            foreach (var id in ids.OrderBy(_ => random.Next()).Take(260))
            {
                commands.Add(new Command { Type = CommandType.CancelOrder, Account = 2, ClientId = ++next, OrigClientId = id });
                if (random.Next(4) == 0)
                {
                    commands.Add(Place(2, ++next, Side.Sell, TimeInForce.Gtc, 101 + random.Next(300), 1));
                }
            }

            commands.Add(Place(1, ++next, Side.Buy, TimeInForce.Ioc, 250, 40));
            commands.Add(Place(1, ++next, Side.Buy, TimeInForce.Gtc, 90 + random.Next(10), 5));
        }

        foreach (var c in commands)
        {
            var actual = x.Apply(c);
            var expected = model.Apply(x.Engine.LastAppliedIndex, c);
            Assert.Equal(expected.Describe(), actual.Describe());
        }

        Assert.Equal(
            model.Side(ExchangeDriver.EthUsd, Side.Sell).Select(o => (o.OrderId, o.Price, o.Open)),
            x.Engine.Orders(ExchangeDriver.EthUsd, Side.Sell).Select(o => (o.OrderId, o.Price, o.Open)));
        var levels = x.Engine.Levels(ExchangeDriver.EthUsd, Side.Sell, int.MaxValue);
        Assert.Equal(model.Side(ExchangeDriver.EthUsd, Side.Sell).Select(o => o.Price).Distinct(), levels.Select(l => l.Price));
        Assert.All(levels, l => Assert.True(l.Orders > 0));
        Invariants.Check(x.Engine);

        // A snapshot drops the empty levels; the restored engine must still agree on the next commands.
        var before = x.Engine.Digest();
        x.SnapshotAndRestore();
        Assert.Equal(before, x.Engine.Digest());
        var last = Place(1, ++next, Side.Buy, TimeInForce.Ioc, 400, 30);
        Assert.Equal(model.Apply(x.NextIndex, last).Describe(), x.Apply(last).Describe());
    }

    private static Command Place(long account, long id, Side side, TimeInForce tif, long price, long quantity) => new()
    {
        Type = CommandType.PlaceOrder, Account = account, ClientId = id, Instrument = ExchangeDriver.EthUsd, Side = side,
        OrderType = OrderType.Limit, TimeInForce = tif, SelfTradePrevention = SelfTradePrevention.CancelTaker, Price = price, Quantity = quantity,
    };
}

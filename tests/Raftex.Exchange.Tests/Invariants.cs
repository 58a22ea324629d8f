namespace Raftex.Exchange.Tests;

/// <summary>The invariants ARCHITECTURE.md requires after every command, checked from the engine's public queries.</summary>
public static class Invariants
{
    public static void Check(ExchangeStateMachine engine)
    {
        var config = engine.Config;
        var reservedByOrders = new Dictionary<(long Account, int Asset), long>();
        var clientIds = new HashSet<(long, long)>();
        for (var i = 0; i < config.Instruments.Count; i++)
        {
            var spec = config.Instruments[i];
            var bbo = engine.BestBidOffer(i);
            if (bbo.BidPrice > 0 && bbo.AskPrice > 0)
            {
                Assert.True(bbo.BidPrice < bbo.AskPrice, $"book {spec.Symbol} crossed: bid {bbo.BidPrice} >= ask {bbo.AskPrice}");
            }

            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var orders = engine.Orders(i, side);
                var levels = engine.Levels(i, side, int.MaxValue);
                var levelOpen = levels.ToDictionary(l => l.Price, l => l.Quantity);
                for (var k = 1; k < levels.Count; k++)
                {
                    Assert.True(side == Side.Buy ? levels[k].Price < levels[k - 1].Price : levels[k].Price > levels[k - 1].Price, "levels out of price order");
                }

                foreach (var o in orders)
                {
                    Assert.True(o.Open > 0, $"order {o.OrderId} rests with open {o.Open}");
                    Assert.Equal(o.Quantity, o.Filled + o.Open);
                    Assert.True(clientIds.Add((o.Account, o.ClientOrderId)), $"two live orders with client id ({o.Account}, {o.ClientOrderId})");
                    levelOpen[o.Price] -= o.Open;
                    var key = side == Side.Buy ? (o.Account, spec.QuoteAsset) : (o.Account, spec.BaseAsset);
                    reservedByOrders[key] = reservedByOrders.GetValueOrDefault(key) + (side == Side.Buy ? o.Price * o.Open : o.Open);
                }

                Assert.All(levelOpen.Values, v => Assert.Equal(0, v));
                Assert.Equal(levels.Sum(l => l.Orders), orders.Count);
            }
        }

        for (var asset = 0; asset < config.Assets.Count; asset++)
        {
            long total = 0;
            foreach (var account in engine.Accounts())
            {
                var b = engine.Balance(account, asset);
                Assert.True(b.Free >= 0 && b.Reserved >= 0, $"negative balance {b} for account {account} asset {asset}");
                Assert.Equal(reservedByOrders.GetValueOrDefault((account, asset)), b.Reserved);
                total += b.Free + b.Reserved;
            }

            Assert.Equal(engine.Supply(asset), total);
        }
    }

    public static void Check(ReferenceExchange model)
    {
        foreach (var o in model.AllOrders)
        {
            Assert.Equal(o.Quantity, o.Filled + o.Open + o.Cancelled);
            Assert.True(o.Live == (o.Open > 0), $"model order {o.OrderId} live={o.Live} open={o.Open}");
        }
    }
}

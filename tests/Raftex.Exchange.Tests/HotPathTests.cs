namespace Raftex.Exchange.Tests;

public sealed class HotPathTests
{
    [Fact]
    public void Applying_commands_allocates_nothing_after_warm_up()
    {
        var x = new ExchangeDriver(ExchangeDriver.DefaultConfig(retention: 2_000));
        x.Fund(1);
        x.Fund(2);
        var session = x.RegisterSession();
        var entries = new List<byte[]>();
        var buffer = new byte[CommandCodec.MaxEntrySize];
        long sequence = 0;
        for (var i = 0; i < 40_000; i++)
        {
            var account = 1 + ((i / 4) % 2);
            var side = account == 1 ? Side.Buy : Side.Sell;
            var id = 1_000 + i;
            var price = 1000 + (account == 1 ? -5 : 5) * (1 + (i % 7));
            var n = (i % 4) switch
            {
                0 => CommandCodec.EncodePlace(buffer, 10_000 + i, session, ++sequence, account, id, 0, side, OrderType.Limit, TimeInForce.Gtc, SelfTradePrevention.CancelTaker, price, 2),
                1 => CommandCodec.EncodeReplace(buffer, 10_000 + i, session, ++sequence, account, id, id - 1, 0, price + (account == 1 ? 20 : -20), 4),
                2 => CommandCodec.EncodePlace(buffer, 10_000 + i, session, ++sequence, account, id, 0, side, OrderType.Limit, TimeInForce.Ioc, SelfTradePrevention.CancelTaker, account == 1 ? 1040 : 960, 2),
                _ => CommandCodec.EncodeCancel(buffer, 10_000 + i, session, ++sequence, account, id, id - 10, 0),
            };
            entries.Add(buffer[..n]);
        }

        var result = new ApplyResult();
        var index = x.Engine.LastAppliedIndex;
        for (var i = 0; i < 20_000; i++)
        {
            x.Engine.Apply(++index, entries[i], result);
        }

        long trades = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 20_000; i < entries.Count; i++)
        {
            x.Engine.Apply(++index, entries[i], result);
            trades += result.TradeCount;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(trades > 1_000, $"the stream should trade, traded {trades}");
        Assert.Equal(0, allocated);
        Invariants.Check(x.Engine);
    }

    [Fact]
    public void A_command_stops_at_the_trade_limit_and_cancels_its_remainder()
    {
        var x = new ExchangeDriver();
        x.Deposit(2, ExchangeDriver.Eth, 100_000);
        x.Deposit(1, ExchangeDriver.Usd, 100_000_000);
        const int Makers = ExchangeStateMachine.MaxTradesPerCommand + 1;
        for (var i = 0; i < Makers; i++)
        {
            x.Limit(2, Side.Sell, 100, 1, instrument: ExchangeDriver.EthUsd);
        }

        Assert.Equal(RejectReason.FokNotFillable, x.Limit(1, Side.Buy, 100, Makers, TimeInForce.Fok, instrument: ExchangeDriver.EthUsd).Reason);
        var index = x.NextIndex;
        var r = x.Market(1, Side.Buy, 100, Makers, instrument: ExchangeDriver.EthUsd);
        Assert.Equal(ExchangeStateMachine.MaxTradesPerCommand, r.Trades.Count);
        Assert.Equal((index * 65_536) + 65_535, r.Trades[^1].TradeId);
        Assert.Equal((1L, CancelReason.MatchLimit), (r.Cancelled, r.CancelReason));
        Assert.Equal(1, x.Engine.OpenOrderCount);
        Invariants.Check(x.Engine);
    }
}

namespace Raftex.Exchange.Tests;

public sealed class SelfTradePreventionTests
{
    private readonly ExchangeDriver _x = new();
    private readonly long _ownMaker;
    private readonly long _otherMaker;

    public SelfTradePreventionTests()
    {
        _x.Fund(1);
        _x.Fund(2);

        // Priority: account 1's own ask at 1000 first, then account 2's at 1000.
        _ownMaker = _x.Limit(1, Side.Sell, 1000, 4).OrderId;
        _otherMaker = _x.Limit(2, Side.Sell, 1000, 4).OrderId;
    }

    [Fact]
    public void Cancel_taker_cancels_the_incoming_remainder_and_keeps_the_resting_order()
    {
        var r = _x.Limit(1, Side.Buy, 1000, 6, stp: SelfTradePrevention.CancelTaker);
        Assert.Empty(r.Trades);
        Assert.Empty(r.Cancellations);
        Assert.Equal((6L, CancelReason.SelfTrade, 0L), (r.Cancelled, r.CancelReason, r.Resting));
        Assert.True(_x.Engine.TryGetOrder(_ownMaker, out _));
        Assert.Equal(new AccountBalance(1_000_000_000, 0), _x.Balance(1, ExchangeDriver.Usd));
    }

    [Fact]
    public void Cancel_maker_cancels_the_resting_order_and_keeps_matching()
    {
        var r = _x.Limit(1, Side.Buy, 1000, 6, stp: SelfTradePrevention.CancelMaker);
        Assert.Equal([new OrderCancellation(_ownMaker, 1, 4, CancelReason.SelfTrade)], r.Cancellations);
        Assert.Equal([(_otherMaker, 4L)], r.Trades.Select(t => (t.MakerOrderId, t.Quantity)));
        Assert.Equal((4L, 2L), (r.Filled, r.Resting));
        Assert.False(_x.Engine.TryGetOrder(_ownMaker, out _));
        Assert.Equal(new AccountBalance(1_000_000 + 4, 0), _x.Balance(1, ExchangeDriver.Btc));
    }

    [Fact]
    public void Cancel_both_cancels_the_resting_order_and_the_incoming_remainder()
    {
        var r = _x.Limit(1, Side.Buy, 1000, 6, stp: SelfTradePrevention.CancelBoth);
        Assert.Equal([new OrderCancellation(_ownMaker, 1, 4, CancelReason.SelfTrade)], r.Cancellations);
        Assert.Empty(r.Trades);
        Assert.Equal((6L, CancelReason.SelfTrade), (r.Cancelled, r.CancelReason));
        Assert.Equal(1, _x.Engine.OpenOrderCount);
    }

    [Fact]
    public void Fok_counts_only_liquidity_it_could_take_under_its_self_trade_mode()
    {
        // Own order first: under cancel-taker the FOK would stop at it, so it is not fillable.
        Assert.Equal(RejectReason.FokNotFillable, _x.Limit(1, Side.Buy, 1000, 4, TimeInForce.Fok).Reason);

        // Under cancel-maker the own order is skipped (and cancelled on execution), so 4 from account 2 fill it.
        var r = _x.Limit(1, Side.Buy, 1000, 4, TimeInForce.Fok, stp: SelfTradePrevention.CancelMaker);
        Assert.Equal((ResultCode.Accepted, 4L), (r.Code, r.Filled));
        Assert.Single(r.Cancellations);
    }
}

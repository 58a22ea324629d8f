namespace Raftex.Exchange.Tests;

public sealed class OrderTypeTests
{
    private const int Btc = ExchangeDriver.Btc;
    private const int Usd = ExchangeDriver.Usd;
    private readonly ExchangeDriver _x = new();

    public OrderTypeTests()
    {
        _x.Fund(1);
        _x.Fund(2);
        _x.Fund(3);
    }

    [Fact]
    public void Gtc_limit_order_rests_and_reserves_price_times_quantity()
    {
        var r = _x.Limit(1, Side.Buy, 995, 10);
        Assert.Equal(ResultCode.Accepted, r.Code);
        Assert.Equal(10, r.Resting);
        Assert.Equal(new AccountBalance(1_000_000_000 - 9_950, 9_950), _x.Balance(1, Usd));
        Assert.Equal(new BestBidOffer(995, 10, 0, 0), _x.Engine.BestBidOffer(0));
    }

    [Fact]
    public void Order_id_is_the_log_index_and_trade_ids_derive_from_it()
    {
        _x.Limit(2, Side.Sell, 1000, 4);
        _x.Limit(2, Side.Sell, 1005, 4);
        var index = _x.NextIndex;
        var r = _x.Limit(1, Side.Buy, 1005, 8);
        Assert.Equal(index, r.OrderId);
        Assert.Equal([index * 65536, (index * 65536) + 1], r.Trades.Select(t => t.TradeId));
        Assert.All(r.Trades, t => Assert.Equal(index, t.TakerOrderId));
    }

    [Fact]
    public void Crossing_limit_trades_at_maker_prices_in_price_then_time_priority_and_refunds_the_improvement()
    {
        var early = _x.Limit(2, Side.Sell, 1000, 4).OrderId;
        var late = _x.Limit(3, Side.Sell, 1000, 4).OrderId;
        var better = _x.Limit(3, Side.Sell, 995, 2).OrderId;
        var r = _x.Limit(1, Side.Buy, 1010, 8);
        Assert.Equal([(better, 995L, 2L), (early, 1000L, 4L), (late, 1000L, 2L)], r.Trades.Select(t => (t.MakerOrderId, t.Price, t.Quantity)));
        Assert.All(r.Trades, t => Assert.Equal(Side.Buy, t.AggressorSide));
        Assert.Equal(8, r.Filled);
        Assert.Equal(0, r.Resting);

        // Paid 995×2 + 1000×6 = 7990; reserved 1010×8 = 8080 and got 90 back.
        Assert.Equal(new AccountBalance(1_000_000_000 - 7_990, 0), _x.Balance(1, Usd));
        Assert.Equal(1_000_000 + 8, _x.Balance(1, Btc).Free);
        Assert.Equal(new AccountBalance(1_000_000 - 4, 0), _x.Balance(2, Btc));
        Assert.Equal(1_000_000_000 + 4_000, _x.Balance(2, Usd).Free);
        Assert.True(_x.Engine.TryGetOrder(late, out var rest));
        Assert.Equal((4L, 2L, 2L), (rest.Quantity, rest.Filled, rest.Open));
    }

    [Fact]
    public void Trades_carry_increasing_market_data_sequence_numbers()
    {
        _x.Limit(2, Side.Sell, 1000, 2);
        _x.Limit(2, Side.Sell, 1000, 2);
        var r = _x.Limit(1, Side.Buy, 1000, 4);
        Assert.Equal(r.Trades[0].Sequence + 1, r.Trades[1].Sequence);
        Assert.True(r.MarketSequence > r.Trades[1].Sequence);
    }

    [Fact]
    public void Market_order_fills_up_to_its_protection_price_and_cancels_the_rest()
    {
        _x.Limit(2, Side.Sell, 1000, 4);
        _x.Limit(2, Side.Sell, 1100, 4);
        var r = _x.Market(1, Side.Buy, 1050, 10);
        Assert.Equal(ResultCode.Accepted, r.Code);
        Assert.Equal(4, r.Filled);
        Assert.Equal(6, r.Cancelled);
        Assert.Equal(CancelReason.ImmediateRemainder, r.CancelReason);
        Assert.Equal(new AccountBalance(1_000_000_000 - 4_000, 0), _x.Balance(1, Usd));
        Assert.Equal(1100, _x.Engine.BestBidOffer(0).AskPrice);
        Assert.Equal(0, _x.Engine.BestBidOffer(0).BidPrice);
    }

    [Fact]
    public void Market_order_on_an_empty_book_is_cancelled_and_never_rests()
    {
        var r = _x.Market(1, Side.Sell, 5, 10);
        Assert.Equal((ResultCode.Accepted, 0L, 10L, 0L), (r.Code, r.Filled, r.Cancelled, r.Resting));
        Assert.Equal(0, _x.Engine.OpenOrderCount);
        Assert.Equal(new AccountBalance(1_000_000, 0), _x.Balance(1, Btc));
    }

    [Fact]
    public void Market_buy_reserves_quantity_times_protection_price()
    {
        var x = new ExchangeDriver();
        x.Deposit(1, Usd, 9_999);
        Assert.Equal(RejectReason.InsufficientFunds, x.Market(1, Side.Buy, 1000, 10).Reason);
        x.Deposit(1, Usd, 1);
        Assert.Equal(ResultCode.Accepted, x.Market(1, Side.Buy, 1000, 10).Code);
    }

    [Theory]
    [InlineData(TimeInForce.Gtc)]
    [InlineData(TimeInForce.PostOnly)]
    public void Market_order_with_a_resting_time_in_force_is_rejected(TimeInForce tif) =>
        Assert.Equal(RejectReason.InvalidTimeInForce, _x.Market(1, Side.Buy, 1000, 2, tif).Reason);

    [Fact]
    public void Ioc_fills_what_it_can_and_cancels_the_remainder()
    {
        _x.Limit(2, Side.Buy, 1000, 4);
        var r = _x.Limit(1, Side.Sell, 995, 10, TimeInForce.Ioc);
        Assert.Equal((4L, 6L, 0L, CancelReason.ImmediateRemainder), (r.Filled, r.Cancelled, r.Resting, r.CancelReason));
        Assert.Equal(0, _x.Engine.OpenOrderCount);
        Assert.Equal(new AccountBalance(1_000_000 - 4, 0), _x.Balance(1, Btc));
    }

    [Fact]
    public void Fok_fills_completely_across_levels()
    {
        _x.Limit(2, Side.Sell, 1000, 4);
        _x.Limit(3, Side.Sell, 1005, 6);
        var r = _x.Limit(1, Side.Buy, 1005, 10, TimeInForce.Fok);
        Assert.Equal((ResultCode.Accepted, 10L, 0L), (r.Code, r.Filled, r.Cancelled));
        Assert.Equal(2, r.Trades.Count);
    }

    [Fact]
    public void Fok_that_cannot_fill_completely_is_rejected_without_any_effect()
    {
        _x.Limit(2, Side.Sell, 1000, 4);
        _x.Limit(3, Side.Sell, 1010, 6);
        var before = _x.Engine.Digest();
        var r = _x.Limit(1, Side.Buy, 1005, 10, TimeInForce.Fok);
        Assert.Equal((ResultCode.Rejected, RejectReason.FokNotFillable), (r.Code, r.Reason));
        Assert.Empty(r.Trades);
        Assert.Equal(2, _x.Engine.OpenOrderCount);
        Assert.Equal(new AccountBalance(1_000_000_000, 0), _x.Balance(1, Usd));
        Assert.NotEqual(before, _x.Engine.Digest()); // the rejection is remembered for idempotency
        Assert.Equal(10, _x.Engine.Levels(0, Side.Sell, 5).Sum(l => l.Quantity));
    }

    [Fact]
    public void Post_only_rests_when_it_does_not_cross_and_is_rejected_when_it_would()
    {
        _x.Limit(2, Side.Sell, 1000, 4);
        Assert.Equal(4, _x.Limit(1, Side.Buy, 995, 4, TimeInForce.PostOnly).Resting);
        var r = _x.Limit(1, Side.Buy, 1000, 4, TimeInForce.PostOnly);
        Assert.Equal(RejectReason.PostOnlyWouldCross, r.Reason);
        Assert.Equal(2, _x.Engine.OpenOrderCount);
    }

    [Fact]
    public void Gtc_remainder_after_partial_fill_rests_at_its_limit()
    {
        _x.Limit(2, Side.Sell, 1000, 4);
        var r = _x.Limit(1, Side.Buy, 1005, 10);
        Assert.Equal((4L, 6L), (r.Filled, r.Resting));
        Assert.Equal(new BestBidOffer(1005, 6, 0, 0), _x.Engine.BestBidOffer(0));
        Assert.Equal(new AccountBalance(1_000_000_000 - 4_000 - 6_030, 6_030), _x.Balance(1, Usd));
    }

    [Fact]
    public void Price_band_follows_the_last_trade()
    {
        Assert.Equal(RejectReason.OutOfBand, _x.Limit(1, Side.Buy, 1205, 2).Reason);
        _x.Limit(2, Side.Sell, 1200, 2);
        _x.Limit(1, Side.Buy, 1200, 2);
        Assert.Equal(1200, _x.Engine.LastTradePrice(0));
        Assert.Equal(ResultCode.Accepted, _x.Limit(1, Side.Buy, 1205, 2).Code);
        Assert.Equal(RejectReason.OutOfBand, _x.Limit(1, Side.Buy, 955, 2).Reason);
    }

    [Fact]
    public void L2_book_aggregates_levels_best_first()
    {
        _x.Limit(1, Side.Buy, 990, 2);
        _x.Limit(2, Side.Buy, 995, 4);
        _x.Limit(3, Side.Buy, 995, 6);
        _x.Limit(1, Side.Buy, 985, 2);
        Assert.Equal([new BookLevel(995, 10, 2), new BookLevel(990, 2, 1)], _x.Engine.Levels(0, Side.Buy, 2));
    }
}

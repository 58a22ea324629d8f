namespace Raftex.Exchange.Tests;

public sealed class CancelReplaceTests
{
    private const int Usd = ExchangeDriver.Usd;
    private readonly ExchangeDriver _x = new();

    public CancelReplaceTests()
    {
        _x.Fund(1);
        _x.Fund(2);
        _x.Fund(3);
    }

    private List<long> BidQueue(long price) =>
        [.. _x.Engine.Orders(0, Side.Buy).Where(o => o.Price == price).Select(o => o.OrderId)];

    [Fact]
    public void Cancel_by_client_order_id_releases_the_reservation()
    {
        var id = _x.Limit(1, Side.Buy, 1000, 10, clientId: 77).OrderId;
        var r = _x.Cancel(1, origClientId: 77);
        Assert.Equal((ResultCode.Cancelled, id, 10L, CancelReason.Requested), (r.Code, r.OrderId, r.Cancelled, r.CancelReason));
        Assert.Equal(new AccountBalance(1_000_000_000, 0), _x.Balance(1, Usd));
        Assert.Equal(0, _x.Engine.OpenOrderCount);
    }

    [Fact]
    public void Cancel_by_order_id_works_and_only_for_the_owner()
    {
        var id = _x.Limit(1, Side.Buy, 1000, 10).OrderId;
        Assert.Equal(RejectReason.UnknownOrder, _x.Cancel(2, orderId: id).Reason);
        Assert.Equal(ResultCode.Cancelled, _x.Cancel(1, orderId: id).Code);
        Assert.Equal(RejectReason.UnknownOrder, _x.Cancel(1, orderId: id).Reason);
    }

    [Fact]
    public void Pure_quantity_decrease_at_the_same_price_keeps_time_priority()
    {
        var first = _x.Limit(1, Side.Buy, 1000, 10, clientId: 5).OrderId;
        var second = _x.Limit(2, Side.Buy, 1000, 10).OrderId;
        var r = _x.Replace(1, newClientId: 6, price: 1000, quantity: 4, origClientId: 5);
        Assert.Equal((ResultCode.Replaced, first, 4L), (r.Code, r.OrderId, r.Resting));
        Assert.Equal([first, second], BidQueue(1000));
        Assert.Equal(new AccountBalance(1_000_000_000 - 4_000, 4_000), _x.Balance(1, Usd));
    }

    [Theory]
    [InlineData(1000, 12)] // quantity increase
    [InlineData(1000, 10)] // same price and quantity: not a pure decrease
    [InlineData(995, 4)] // price change
    public void Anything_but_a_pure_decrease_loses_time_priority(long price, long quantity)
    {
        var first = _x.Limit(1, Side.Buy, 1000, 10, clientId: 5).OrderId;
        var second = _x.Limit(2, Side.Buy, 1000, 10).OrderId;
        var third = _x.Limit(3, Side.Buy, 995, 2).OrderId;
        var r = _x.Replace(1, newClientId: 6, price: price, quantity: quantity, origClientId: 5);
        Assert.Equal(ResultCode.Replaced, r.Code);
        Assert.Equal(price == 1000 ? [second, first] : [third, first], BidQueue(price));
        Assert.Equal(new AccountBalance(1_000_000_000 - (price * quantity), price * quantity), _x.Balance(1, Usd));
    }

    [Fact]
    public void Replace_keeps_the_order_id_and_moves_the_client_order_id()
    {
        var id = _x.Limit(1, Side.Buy, 1000, 10, clientId: 5).OrderId;
        _x.Replace(1, newClientId: 6, price: 995, quantity: 10, origClientId: 5);
        Assert.True(_x.Engine.TryGetOrder(1, 6, out var status));
        Assert.Equal((id, 995L), (status.OrderId, status.Price));
        Assert.False(_x.Engine.TryGetOrder(1, 5, out _));
        Assert.Equal(RejectReason.UnknownOrder, _x.Cancel(1, origClientId: 5).Reason);
        Assert.Equal(ResultCode.Cancelled, _x.Cancel(1, origClientId: 6).Code);
    }

    [Fact]
    public void Replace_to_a_crossing_price_trades_as_a_taker()
    {
        var maker = _x.Limit(2, Side.Sell, 1010, 4).OrderId;
        var id = _x.Limit(1, Side.Buy, 1000, 10, clientId: 5).OrderId;
        var r = _x.Replace(1, newClientId: 6, price: 1010, quantity: 10, origClientId: 5);
        Assert.Equal([(maker, id, 4L)], r.Trades.Select(t => (t.MakerOrderId, t.TakerOrderId, t.Quantity)));
        Assert.Equal((4L, 6L), (r.Filled, r.Resting));
        Assert.True(_x.Engine.TryGetOrder(id, out var status));
        Assert.Equal((10L, 4L, 6L), (status.Quantity, status.Filled, status.Open));
    }

    [Fact]
    public void Replace_quantity_counts_what_is_already_filled()
    {
        _x.Limit(2, Side.Sell, 1000, 4);
        var id = _x.Limit(1, Side.Buy, 1000, 10, clientId: 5).OrderId;
        Assert.Equal(RejectReason.InvalidQuantity, _x.Replace(1, 6, 1000, 4, origClientId: 5).Reason);
        var r = _x.Replace(1, 7, 1000, 8, origClientId: 5);
        Assert.Equal(4, r.Resting);
        Assert.True(_x.Engine.TryGetOrder(id, out var status));
        Assert.Equal((8L, 4L, 4L), (status.Quantity, status.Filled, status.Open));
    }

    [Fact]
    public void Replace_needing_more_funds_than_free_is_rejected_and_leaves_the_order()
    {
        var x = new ExchangeDriver();
        x.Deposit(1, Usd, 10_000);
        x.Limit(1, Side.Buy, 1000, 10, clientId: 5);
        var r = x.Replace(1, newClientId: 6, price: 1005, quantity: 10, origClientId: 5);
        Assert.Equal(RejectReason.InsufficientFunds, r.Reason);
        Assert.True(x.Engine.TryGetOrder(1, 5, out var status));
        Assert.Equal(1000, status.Price);
    }

    [Fact]
    public void Post_only_replace_that_would_cross_is_rejected()
    {
        _x.Limit(2, Side.Sell, 1010, 4);
        _x.Limit(1, Side.Buy, 1000, 10, TimeInForce.PostOnly, clientId: 5);
        Assert.Equal(RejectReason.PostOnlyWouldCross, _x.Replace(1, 6, 1010, 10, origClientId: 5).Reason);
        Assert.True(_x.Engine.TryGetOrder(1, 5, out _));
    }

    [Fact]
    public void Replace_of_an_unknown_or_finished_order_is_rejected()
    {
        Assert.Equal(RejectReason.UnknownOrder, _x.Replace(1, 6, 1000, 10, origClientId: 99).Reason);
        _x.Limit(2, Side.Sell, 1000, 10);
        _x.Limit(1, Side.Buy, 1000, 10, clientId: 5);
        Assert.Equal(RejectReason.UnknownOrder, _x.Replace(1, 7, 1000, 10, origClientId: 5).Reason);
    }
}

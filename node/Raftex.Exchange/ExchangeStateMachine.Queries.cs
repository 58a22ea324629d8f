namespace Raftex.Exchange;

/// <summary>Read-only queries. They allocate (they are not on the apply path).</summary>
public sealed partial class ExchangeStateMachine
{
    /// <summary>The wire id of a symbol, or -1.</summary>
    public int InstrumentId(string symbol)
    {
        for (var i = 0; i < _books.Length; i++)
        {
            if (_books[i].Spec.Symbol == symbol)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Top <paramref name="depth"/> levels of one side, best first.</summary>
    public IReadOnlyList<BookLevel> Levels(int instrument, Side side, int depth)
    {
        var bookSide = Book(instrument).SideOf(side);
        var list = new List<BookLevel>(Math.Min(depth, bookSide.Count));
        for (var p = bookSide.Count - 1; p >= 0 && list.Count < depth; p--)
        {
            ref var l = ref _levels[bookSide.Levels[p]];
            if (l.Count > 0)
            {
                list.Add(new BookLevel(l.Price, l.Open, l.Count));
            }
        }

        return list;
    }

    /// <summary>Best bid and offer of an instrument.</summary>
    public BestBidOffer BestBidOffer(int instrument)
    {
        var book = Book(instrument);
        long bid = 0, bidQty = 0, ask = 0, askQty = 0;
        if (book.Bids.Count > 0)
        {
            ref var l = ref _levels[book.Bids.Levels[book.Bids.Count - 1]];
            bid = l.Price;
            bidQty = l.Open;
        }

        if (book.Asks.Count > 0)
        {
            ref var l = ref _levels[book.Asks.Levels[book.Asks.Count - 1]];
            ask = l.Price;
            askQty = l.Open;
        }

        return new BestBidOffer(bid, bidQty, ask, askQty);
    }

    /// <summary>Last trade price of an instrument (0 before its first trade).</summary>
    public long LastTradePrice(int instrument) => Book(instrument).LastTradePrice;

    /// <summary>Balance of one asset in one account (zero for an unknown account).</summary>
    public AccountBalance Balance(long account, int asset)
    {
        if ((uint)asset >= (uint)_assetCount)
        {
            throw new ArgumentOutOfRangeException(nameof(asset), asset, "unknown asset");
        }

        var a = _accountIndex.Get(account);
        return a < 0 ? default : new AccountBalance(_accountFree[(a * _assetCount) + asset], _accountReserved[(a * _assetCount) + asset]);
    }

    /// <summary>Deposits minus withdrawals of an asset: what all balances (free + reserved) must add up to.</summary>
    public long Supply(int asset) => _supply[asset];

    /// <summary>Account ids in ascending order.</summary>
    public IReadOnlyList<long> Accounts()
    {
        var ids = new long[_accountCount];
        Array.Copy(_accountIds, ids, _accountCount);
        Array.Sort(ids);
        return ids;
    }

    /// <summary>A live order by order id.</summary>
    public bool TryGetOrder(long orderId, out OrderStatus status)
    {
        var o = _orderIndex.Get(orderId);
        if (o < 0)
        {
            status = default;
            return false;
        }

        status = StatusOf(o);
        return true;
    }

    /// <summary>A live order by (account, current client order id).</summary>
    public bool TryGetOrder(long account, long clientOrderId, out OrderStatus status)
    {
        var target = new Command { Account = account, OrigClientId = clientOrderId };
        var o = FindTarget(in target);
        if (o < 0)
        {
            status = default;
            return false;
        }

        status = StatusOf(o);
        return true;
    }

    /// <summary>All live orders of an instrument side in priority order (best level first, then time).</summary>
    public IReadOnlyList<OrderStatus> Orders(int instrument, Side side)
    {
        var bookSide = Book(instrument).SideOf(side);
        var list = new List<OrderStatus>();
        for (var p = bookSide.Count - 1; p >= 0; p--)
        {
            for (var o = _levels[bookSide.Levels[p]].Head; o >= 0; o = _orders[o].Next)
            {
                list.Add(StatusOf(o));
            }
        }

        return list;
    }

    /// <summary>Number of live orders.</summary>
    public int OpenOrderCount => _orderIndex.Count;

    private OrderStatus StatusOf(int o)
    {
        ref var x = ref _orders[o];
        return new OrderStatus(x.OrderId, x.Account, x.ClientId, x.Instrument, x.Side, x.TimeInForce, x.Stp, x.Price, x.Quantity, x.Filled, x.Open);
    }

    private InstrumentBook Book(int instrument)
    {
        if ((uint)instrument >= (uint)_books.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(instrument), instrument, "unknown instrument");
        }

        return _books[instrument];
    }
}

namespace Raftex.Exchange;

/// <summary>Price-time priority matching with self-trade prevention, and the book's level and FIFO maintenance.</summary>
public sealed partial class ExchangeStateMachine
{
    private static bool Crosses(InstrumentBook book, Side side, long limit)
    {
        var opposite = side == Side.Buy ? book.Asks : book.Bids;
        if (opposite.Count == 0)
        {
            return false;
        }

        // Keys are price for bids and −price for asks.
        var key = opposite.Keys[opposite.Count - 1];
        return side == Side.Buy ? -key <= limit : key >= limit;
    }

    /// <summary>
    /// What a FOK order could fill right now without side effects: walks the opposite side in priority order; a resting
    /// order of the same account is skipped under cancel-maker (it would be cancelled) and ends the walk otherwise (the taker would be cancelled).
    /// </summary>
    private long FillableQuantity(InstrumentBook book, Side side, long limit, long wanted, int account, SelfTradePrevention stp)
    {
        var opposite = side == Side.Buy ? book.Asks : book.Bids;
        long sum = 0;
        var trades = 0;
        for (var p = opposite.Count - 1; p >= 0; p--)
        {
            ref var level = ref _levels[opposite.Levels[p]];
            if (side == Side.Buy ? level.Price > limit : level.Price < limit)
            {
                break;
            }

            for (var o = level.Head; o >= 0; o = _orders[o].Next)
            {
                if (_orders[o].AccountIndex == account)
                {
                    if (stp == SelfTradePrevention.CancelMaker)
                    {
                        continue;
                    }

                    return sum;
                }

                if (trades == MaxTradesPerCommand)
                {
                    return sum;
                }

                trades++;
                sum += _orders[o].Open;
                if (sum >= wanted)
                {
                    return sum;
                }
            }
        }

        return sum;
    }

    /// <summary>Matches an incoming order against the opposite side; returns the unfilled quantity and why matching stopped early (None if it ran out of crossing liquidity or filled).</summary>
    private long Match(
        long logIndex, InstrumentBook book, int instrument, Side side, long limit, long quantity, int takerAccountIndex, long takerAccount,
        long takerOrderId, SelfTradePrevention stp, ApplyResult result, out CancelReason stop)
    {
        stop = CancelReason.None;
        var opposite = side == Side.Buy ? book.Asks : book.Bids;
        var spec = book.Spec;
        var n = _assetCount;
        var takerBase = (takerAccountIndex * n) + spec.BaseAsset;
        var takerQuote = (takerAccountIndex * n) + spec.QuoteAsset;
        var remaining = quantity;
        while (remaining > 0 && opposite.Count > 0)
        {
            var levelIndex = opposite.Levels[opposite.Count - 1];
            var price = _levels[levelIndex].Price;
            if (side == Side.Buy ? price > limit : price < limit)
            {
                break;
            }

            var o = _levels[levelIndex].Head;
            while (o >= 0 && remaining > 0)
            {
                ref var maker = ref _orders[o];
                var next = maker.Next;
                if (maker.AccountIndex == takerAccountIndex)
                {
                    if (stp != SelfTradePrevention.CancelTaker)
                    {
                        result.AddCancellation(new OrderCancellation(maker.OrderId, maker.Account, maker.Open, CancelReason.SelfTrade));
                        ReleaseReservation(maker.AccountIndex, spec, maker.Side, maker.Price, maker.Open);
                        Unlink(book, o);
                        FreeOrder(o);
                    }

                    if (stp != SelfTradePrevention.CancelMaker)
                    {
                        stop = CancelReason.SelfTrade;
                        return remaining;
                    }

                    o = next;
                    continue;
                }

                if (result.TradeCount == MaxTradesPerCommand)
                {
                    stop = CancelReason.MatchLimit;
                    return remaining;
                }

                var q = remaining < maker.Open ? remaining : maker.Open;
                var notional = price * q;
                var makerBase = (maker.AccountIndex * n) + spec.BaseAsset;
                var makerQuote = (maker.AccountIndex * n) + spec.QuoteAsset;
                if (side == Side.Buy)
                {
                    // The taker reserved limit × q; it pays price × q and gets the difference back.
                    _accountReserved[takerQuote] -= limit * q;
                    _accountFree[takerQuote] += (limit - price) * q;
                    _accountFree[takerBase] += q;
                    _accountReserved[makerBase] -= q;
                    _accountFree[makerQuote] += notional;
                }
                else
                {
                    _accountReserved[takerBase] -= q;
                    _accountFree[takerQuote] += notional;
                    _accountReserved[makerQuote] -= notional;
                    _accountFree[makerBase] += q;
                }

                result.AddTrade(new Trade(
                    (logIndex * MaxTradesPerCommand) + result.TradeCount, instrument, ++book.Sequence, price, q,
                    maker.OrderId, maker.Account, takerOrderId, takerAccount, side));
                book.LastTradePrice = price;
                remaining -= q;
                maker.Open -= q;
                maker.Filled += q;
                _levels[levelIndex].Open -= q;
                if (maker.Open == 0)
                {
                    Unlink(book, o);
                    FreeOrder(o);
                }

                o = next;
            }
        }

        return remaining;
    }

    /// <summary>Appends an order (fields already set) to the tail of its price level, creating the level if needed.</summary>
    private void Rest(InstrumentBook book, int o)
    {
        ref var order = ref _orders[o];
        var bookSide = book.SideOf(order.Side);
        var position = bookSide.Find(order.Price);
        int level;
        if (position >= 0)
        {
            level = bookSide.Levels[position];
            if (_levels[level].Count == 0)
            {
                bookSide.EmptyLevels--;
            }
        }
        else
        {
            level = AllocateLevel();
            ref var created = ref _levels[level];
            created.Price = order.Price;
            created.Open = 0;
            created.Count = 0;
            created.Head = -1;
            created.Tail = -1;
            bookSide.InsertAt(~position, order.Price, level);
        }

        ref var l = ref _levels[level];
        order.Level = level;
        order.Next = -1;
        order.Prev = l.Tail;
        if (l.Tail >= 0)
        {
            _orders[l.Tail].Next = o;
        }
        else
        {
            l.Head = o;
        }

        l.Tail = o;
        l.Count++;
        l.Open += order.Open;
    }

    /// <summary>Takes an order out of its level's FIFO, dropping the level when it empties.</summary>
    private void Unlink(InstrumentBook book, int o)
    {
        ref var order = ref _orders[o];
        var levelIndex = order.Level;
        ref var l = ref _levels[levelIndex];
        if (order.Prev >= 0)
        {
            _orders[order.Prev].Next = order.Next;
        }
        else
        {
            l.Head = order.Next;
        }

        if (order.Next >= 0)
        {
            _orders[order.Next].Prev = order.Prev;
        }
        else
        {
            l.Tail = order.Prev;
        }

        l.Count--;
        l.Open -= order.Open;
        order.Prev = -1;
        order.Next = -1;
        if (l.Count == 0)
        {
            var bookSide = book.SideOf(order.Side);
            if (bookSide.Levels[bookSide.Count - 1] == levelIndex)
            {
                // Keep the top level non-empty: drop it and any empty levels it uncovers.
                bookSide.Count--;
                FreeLevel(levelIndex);
                while (bookSide.Count > 0 && _levels[bookSide.Levels[bookSide.Count - 1]].Count == 0)
                {
                    bookSide.Count--;
                    bookSide.EmptyLevels--;
                    FreeLevel(bookSide.Levels[bookSide.Count]);
                }
            }
            else if (++bookSide.EmptyLevels > 64 && bookSide.EmptyLevels * 2 > bookSide.Count)
            {
                SweepEmptyLevels(bookSide);
            }
        }
    }

    private void SweepEmptyLevels(BookSide bookSide)
    {
        var kept = 0;
        for (var p = 0; p < bookSide.Count; p++)
        {
            var level = bookSide.Levels[p];
            if (_levels[level].Count == 0)
            {
                FreeLevel(level);
                continue;
            }

            bookSide.Keys[kept] = bookSide.Keys[p];
            bookSide.Levels[kept] = level;
            kept++;
        }

        bookSide.Count = kept;
        bookSide.EmptyLevels = 0;
    }

    private void FreeLevel(int level)
    {
        _levels[level].Head = _levelFree;
        _levelFree = level;
    }

    private int AllocateLevel()
    {
        if (_levelFree >= 0)
        {
            var l = _levelFree;
            _levelFree = _levels[l].Head;
            return l;
        }

        if (_levelHighWater == _levels.Length)
        {
            Array.Resize(ref _levels, _levels.Length * 2);
        }

        return _levelHighWater++;
    }
}

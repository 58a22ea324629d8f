namespace Raftex.Exchange;

/// <summary>Order entry: validation, reservations, place, cancel and cancel-replace.</summary>
public sealed partial class ExchangeStateMachine
{
    private void Place(long logIndex, in Command c, ApplyResult result)
    {
        if (IsInvalidOrDuplicate(in c, result))
        {
            return;
        }

        PlaceValidated(logIndex, in c, result);
        Remember(in c, result);
    }

    private void PlaceValidated(long logIndex, in Command c, ApplyResult result)
    {
        if ((uint)c.Instrument >= (uint)_books.Length)
        {
            result.Reject(RejectReason.UnknownSymbol);
            return;
        }

        var book = _books[c.Instrument];
        var spec = book.Spec;
        var reason = ValidateEnums(in c);
        if (reason == RejectReason.None)
        {
            reason = ValidateQuantity(spec, c.Quantity);
        }

        if (reason == RejectReason.None)
        {
            reason = ValidatePrice(book, c.Price, checkBand: c.OrderType == OrderType.Limit);
        }

        if (reason == RejectReason.None && !NotionalFits(c.Price, c.Quantity))
        {
            reason = RejectReason.Overflow;
        }

        if (reason != RejectReason.None)
        {
            result.Reject(reason);
            return;
        }

        var a = _accountIndex.Get(c.Account);
        var reserveAsset = c.Side == Side.Buy ? spec.QuoteAsset : spec.BaseAsset;
        var reserve = c.Side == Side.Buy ? c.Price * c.Quantity : c.Quantity;
        if (a < 0 || _accountFree[(a * _assetCount) + reserveAsset] < reserve)
        {
            result.Reject(RejectReason.InsufficientFunds);
            return;
        }

        if (c.TimeInForce == TimeInForce.PostOnly && Crosses(book, c.Side, c.Price))
        {
            result.Reject(RejectReason.PostOnlyWouldCross);
            return;
        }

        if (c.TimeInForce == TimeInForce.Fok && FillableQuantity(book, c.Side, c.Price, c.Quantity, a, c.SelfTradePrevention) < c.Quantity)
        {
            result.Reject(RejectReason.FokNotFillable);
            return;
        }

        _accountFree[(a * _assetCount) + reserveAsset] -= reserve;
        _accountReserved[(a * _assetCount) + reserveAsset] += reserve;

        var orderId = logIndex;
        result.Code = ResultCode.Accepted;
        result.OrderId = orderId;
        var remaining = Match(logIndex, book, c.Instrument, c.Side, c.Price, c.Quantity, a, c.Account, orderId, c.SelfTradePrevention, result, out var stop);
        result.FilledQuantity = c.Quantity - remaining;
        if (remaining > 0)
        {
            if (stop == CancelReason.None && c.OrderType == OrderType.Limit && (c.TimeInForce == TimeInForce.Gtc || c.TimeInForce == TimeInForce.PostOnly))
            {
                var o = AllocateOrder();
                ref var order = ref _orders[o];
                order.OrderId = orderId;
                order.Account = c.Account;
                order.ClientId = c.ClientId;
                order.Price = c.Price;
                order.Quantity = c.Quantity;
                order.Filled = c.Quantity - remaining;
                order.Open = remaining;
                order.AccountIndex = a;
                order.Instrument = c.Instrument;
                order.Side = c.Side;
                order.TimeInForce = c.TimeInForce;
                order.Stp = c.SelfTradePrevention;
                _orderIndex.Set(orderId, o);
                Rest(book, o);
                result.RestingQuantity = remaining;
            }
            else
            {
                ReleaseReservation(a, book.Spec, c.Side, c.Price, remaining);
                result.CancelledQuantity = remaining;
                result.CancelReason = stop == CancelReason.None ? CancelReason.ImmediateRemainder : stop;
            }
        }

        result.MarketDataSequence = ++book.Sequence;
    }

    private void Cancel(in Command c, ApplyResult result)
    {
        if (IsInvalidOrDuplicate(in c, result))
        {
            return;
        }

        var o = FindTarget(in c);
        if (o < 0)
        {
            result.Reject(RejectReason.UnknownOrder);
        }
        else
        {
            ref var order = ref _orders[o];
            var book = _books[order.Instrument];
            result.Code = ResultCode.Cancelled;
            result.OrderId = order.OrderId;
            result.FilledQuantity = 0;
            result.CancelledQuantity = order.Open;
            result.CancelReason = CancelReason.Requested;
            ReleaseReservation(order.AccountIndex, book.Spec, order.Side, order.Price, order.Open);
            Unlink(book, o);
            FreeOrder(o);
            result.MarketDataSequence = ++book.Sequence;
        }

        Remember(in c, result);
    }

    private void Replace(long logIndex, in Command c, ApplyResult result)
    {
        if (IsInvalidOrDuplicate(in c, result))
        {
            return;
        }

        ReplaceValidated(logIndex, in c, result);
        Remember(in c, result);
    }

    private void ReplaceValidated(long logIndex, in Command c, ApplyResult result)
    {
        var o = FindTarget(in c);
        if (o < 0)
        {
            result.Reject(RejectReason.UnknownOrder);
            return;
        }

        ref var order = ref _orders[o];
        var book = _books[order.Instrument];
        var spec = book.Spec;
        var reason = ValidateQuantity(spec, c.Quantity);
        if (reason == RejectReason.None && c.Quantity <= order.Filled)
        {
            reason = RejectReason.InvalidQuantity;
        }

        if (reason == RejectReason.None)
        {
            reason = ValidatePrice(book, c.Price, checkBand: true);
        }

        if (reason == RejectReason.None && !NotionalFits(c.Price, c.Quantity))
        {
            reason = RejectReason.Overflow;
        }

        if (reason != RejectReason.None)
        {
            result.Reject(reason);
            return;
        }

        var newOpen = c.Quantity - order.Filled;
        var a = order.AccountIndex;
        result.OrderId = order.OrderId;
        if (c.Price == order.Price && c.Quantity < order.Quantity)
        {
            // A pure quantity decrease at the same price keeps time priority: amend in place.
            var decrease = order.Open - newOpen;
            ReleaseReservation(a, spec, order.Side, order.Price, decrease);
            _levels[order.Level].Open -= decrease;
            order.Open = newOpen;
            order.Quantity = c.Quantity;
            order.ClientId = c.ClientId;
            result.Code = ResultCode.Replaced;
            result.RestingQuantity = newOpen;
            result.MarketDataSequence = ++book.Sequence;
            return;
        }

        var reserveAsset = order.Side == Side.Buy ? spec.QuoteAsset : spec.BaseAsset;
        var oldReserve = order.Side == Side.Buy ? order.Price * order.Open : order.Open;
        var newReserve = order.Side == Side.Buy ? c.Price * newOpen : newOpen;
        var idx = (a * _assetCount) + reserveAsset;
        if (newReserve - oldReserve > _accountFree[idx])
        {
            result.Reject(RejectReason.InsufficientFunds);
            result.OrderId = 0;
            return;
        }

        if (order.TimeInForce == TimeInForce.PostOnly && Crosses(book, order.Side, c.Price))
        {
            result.Reject(RejectReason.PostOnlyWouldCross);
            result.OrderId = 0;
            return;
        }

        // Anything else loses priority: take the order off the book, re-price it and send it through matching as a taker.
        Unlink(book, o);
        _accountFree[idx] -= newReserve - oldReserve;
        _accountReserved[idx] += newReserve - oldReserve;
        order.Price = c.Price;
        order.Quantity = c.Quantity;
        order.Open = newOpen;
        order.ClientId = c.ClientId;
        result.Code = ResultCode.Replaced;
        var side = order.Side;
        var orderId = order.OrderId;
        var remaining = Match(logIndex, book, order.Instrument, side, c.Price, newOpen, a, order.Account, orderId, order.Stp, result, out var stop);

        // Match never touches the taker's own slot (it is off the book), but re-take the ref after it for clarity.
        ref var replaced = ref _orders[o];
        result.FilledQuantity = newOpen - remaining;
        replaced.Filled += newOpen - remaining;
        replaced.Open = remaining;
        if (remaining > 0 && stop == CancelReason.None)
        {
            Rest(book, o);
            result.RestingQuantity = remaining;
        }
        else
        {
            if (remaining > 0)
            {
                ReleaseReservation(a, spec, side, c.Price, remaining);
                result.CancelledQuantity = remaining;
                result.CancelReason = stop;
            }

            _orderIndex.Remove(orderId);
            FreeSlot(o);
        }

        result.MarketDataSequence = ++book.Sequence;
    }

    private static RejectReason ValidateEnums(in Command c)
    {
        if (c.Side is not (Side.Buy or Side.Sell))
        {
            return RejectReason.InvalidSide;
        }

        if (c.OrderType is not (OrderType.Limit or OrderType.Market))
        {
            return RejectReason.InvalidOrderType;
        }

        if (c.TimeInForce is not (TimeInForce.Gtc or TimeInForce.Ioc or TimeInForce.Fok or TimeInForce.PostOnly))
        {
            return RejectReason.InvalidTimeInForce;
        }

        if (c.OrderType == OrderType.Market && c.TimeInForce is not (TimeInForce.Ioc or TimeInForce.Fok))
        {
            // Market orders never rest, so only IOC and FOK make sense for them.
            return RejectReason.InvalidTimeInForce;
        }

        if (c.SelfTradePrevention is not (SelfTradePrevention.CancelTaker or SelfTradePrevention.CancelMaker or SelfTradePrevention.CancelBoth))
        {
            return RejectReason.InvalidSelfTradePrevention;
        }

        return RejectReason.None;
    }

    private static RejectReason ValidateQuantity(InstrumentSpec spec, long quantity)
    {
        if (quantity <= 0)
        {
            return RejectReason.InvalidQuantity;
        }

        if (quantity % spec.LotSize != 0)
        {
            return RejectReason.BadLot;
        }

        return quantity < spec.MinQuantity || quantity > spec.MaxQuantity ? RejectReason.InvalidQuantity : RejectReason.None;
    }

    private static RejectReason ValidatePrice(InstrumentBook book, long price, bool checkBand)
    {
        var spec = book.Spec;
        if (price <= 0 || price > spec.MaxPrice)
        {
            return RejectReason.InvalidPrice;
        }

        if (price % spec.TickSize != 0)
        {
            return RejectReason.BadTick;
        }

        if (checkBand && spec.BandBasisPoints > 0)
        {
            var reference = book.LastTradePrice > 0 ? book.LastTradePrice : spec.ReferencePrice;
            var width = reference * spec.BandBasisPoints / 10_000;
            if (price < reference - width || price > reference + width)
            {
                return RejectReason.OutOfBand;
            }
        }

        return RejectReason.None;
    }

    private static bool NotionalFits(long price, long quantity)
    {
        var high = Math.BigMul(price, quantity, out long low);
        return high == 0 && low >= 0;
    }

    private void ReleaseReservation(int account, InstrumentSpec spec, Side side, long price, long quantity)
    {
        var asset = side == Side.Buy ? spec.QuoteAsset : spec.BaseAsset;
        var amount = side == Side.Buy ? price * quantity : quantity;
        var idx = (account * _assetCount) + asset;
        _accountReserved[idx] -= amount;
        _accountFree[idx] += amount;
    }

    private int AllocateOrder()
    {
        if (_orderFree >= 0)
        {
            var o = _orderFree;
            _orderFree = _orders[o].Next;
            return o;
        }

        if (_orderHighWater == _orders.Length)
        {
            Array.Resize(ref _orders, _orders.Length * 2);
        }

        return _orderHighWater++;
    }

    /// <summary>Forgets a finished order that is already off the book.</summary>
    private void FreeOrder(int o)
    {
        _orderIndex.Remove(_orders[o].OrderId);
        FreeSlot(o);
    }

    private void FreeSlot(int o)
    {
        _orders[o] = default;
        _orders[o].Next = _orderFree;
        _orderFree = o;
    }
}

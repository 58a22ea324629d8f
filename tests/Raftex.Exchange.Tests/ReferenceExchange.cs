namespace Raftex.Exchange.Tests;

/// <summary>
/// A deliberately simple model of the exchange for differential testing: plain lists and dictionaries, O(n) matching by sorting
/// the live orders on every command, BigInteger-free overflow checks via Int128. It handles sessionless commands whose client ids
/// never expire (the property tests use a retention longer than any stream), and keeps every order ever placed so the
/// quantity invariant can be checked on finished orders too.
/// </summary>
public sealed class ReferenceExchange(ExchangeConfig config)
{
    private readonly Dictionary<long, (long[] Free, long[] Reserved)> _accounts = [];
    private readonly Dictionary<(long Account, long ClientId), (ResultCode Code, RejectReason Reason, long OrderId)> _clientIds = [];
    private readonly long[] _supply = new long[config.Assets.Count];
    private readonly long[] _lastTrade = new long[config.Instruments.Count];
    private readonly long[] _sequence = new long[config.Instruments.Count];
    private long _priority;

    public List<ModelOrder> AllOrders { get; } = [];

    public IEnumerable<ModelOrder> Live => AllOrders.Where(o => o.Live);

    public long Supply(int asset) => _supply[asset];

    public AccountBalance Balance(long account, int asset) =>
        _accounts.TryGetValue(account, out var a) ? new AccountBalance(a.Free[asset], a.Reserved[asset]) : default;

    public IEnumerable<long> AccountIds => _accounts.Keys.Order();

    /// <summary>Live orders of one side in priority order.</summary>
    public List<ModelOrder> Side(int instrument, Side side) => [.. Live.Where(o => o.Instrument == instrument && o.Side == side)
        .OrderBy(o => side == Exchange.Side.Buy ? -o.Price : o.Price).ThenBy(o => o.Priority)];

    public Outcome Apply(long index, Command c)
    {
        var r = new Result();
        switch (c.Type)
        {
            case CommandType.Deposit:
            case CommandType.Withdraw:
                if (!Invalid(c, r))
                {
                    Transfer(c, r);
                    Remember(c, r);
                }

                break;
            case CommandType.PlaceOrder:
                if (!Invalid(c, r))
                {
                    Place(index, c, r);
                    Remember(c, r);
                }

                break;
            case CommandType.CancelOrder:
                if (!Invalid(c, r))
                {
                    Cancel(c, r);
                    Remember(c, r);
                }

                break;
            case CommandType.ReplaceOrder:
                if (!Invalid(c, r))
                {
                    Replace(index, c, r);
                    Remember(c, r);
                }

                break;
            default:
                throw new InvalidOperationException("the model only handles order and transfer commands");
        }

        return new Outcome(r.Code, r.Reason, r.Duplicate, r.OrderId, r.Filled, r.Resting, r.Cancelled, r.CancelReason, r.MarketSequence, r.Trades, r.Cancellations);
    }

    private bool Invalid(Command c, Result r)
    {
        if (c.Account <= 0)
        {
            r.Reject(RejectReason.InvalidAccount);
            return true;
        }

        if (c.ClientId <= 0)
        {
            r.Reject(RejectReason.InvalidClientId);
            return true;
        }

        if (_clientIds.TryGetValue((c.Account, c.ClientId), out var seen))
        {
            (r.Code, r.Reason, r.OrderId, r.Duplicate) = (seen.Code, seen.Reason, seen.OrderId, true);
            return true;
        }

        return false;
    }

    private void Remember(Command c, Result r) => _clientIds[(c.Account, c.ClientId)] = (r.Code, r.Reason, r.OrderId);

    private void Transfer(Command c, Result r)
    {
        if (c.Asset < 0 || c.Asset >= _supply.Length)
        {
            r.Reject(RejectReason.UnknownAsset);
        }
        else if (c.Amount <= 0)
        {
            r.Reject(RejectReason.InvalidAmount);
        }
        else if (c.Type == CommandType.Deposit)
        {
            if ((Int128)_supply[c.Asset] + c.Amount > long.MaxValue)
            {
                r.Reject(RejectReason.Overflow);
                return;
            }

            if (!_accounts.TryGetValue(c.Account, out var a))
            {
                a = (new long[_supply.Length], new long[_supply.Length]);
                _accounts[c.Account] = a;
            }

            a.Free[c.Asset] += c.Amount;
            _supply[c.Asset] += c.Amount;
            r.Code = ResultCode.Deposited;
        }
        else if (!_accounts.TryGetValue(c.Account, out var a) || a.Free[c.Asset] < c.Amount)
        {
            r.Reject(RejectReason.InsufficientFunds);
        }
        else
        {
            a.Free[c.Asset] -= c.Amount;
            _supply[c.Asset] -= c.Amount;
            r.Code = ResultCode.Withdrawn;
        }
    }

    private RejectReason CheckQuantity(InstrumentSpec s, long q) =>
        q <= 0 ? RejectReason.InvalidQuantity : q % s.LotSize != 0 ? RejectReason.BadLot : q < s.MinQuantity || q > s.MaxQuantity ? RejectReason.InvalidQuantity : RejectReason.None;

    private RejectReason CheckPrice(int instrument, long p, bool band)
    {
        var s = config.Instruments[instrument];
        if (p <= 0 || p > s.MaxPrice)
        {
            return RejectReason.InvalidPrice;
        }

        if (p % s.TickSize != 0)
        {
            return RejectReason.BadTick;
        }

        if (band && s.BandBasisPoints > 0)
        {
            var reference = _lastTrade[instrument] > 0 ? _lastTrade[instrument] : s.ReferencePrice;
            var w = reference * s.BandBasisPoints / 10_000;
            if (p < reference - w || p > reference + w)
            {
                return RejectReason.OutOfBand;
            }
        }

        return RejectReason.None;
    }

    private static bool Fits(long p, long q) => (Int128)p * q <= long.MaxValue;

    private void Place(long index, Command c, Result r)
    {
        if (c.Instrument < 0 || c.Instrument >= config.Instruments.Count)
        {
            r.Reject(RejectReason.UnknownSymbol);
            return;
        }

        var s = config.Instruments[c.Instrument];
        var reason =
            c.Side is not (Exchange.Side.Buy or Exchange.Side.Sell) ? RejectReason.InvalidSide
            : c.OrderType is not (OrderType.Limit or OrderType.Market) ? RejectReason.InvalidOrderType
            : c.TimeInForce is not (TimeInForce.Gtc or TimeInForce.Ioc or TimeInForce.Fok or TimeInForce.PostOnly) ? RejectReason.InvalidTimeInForce
            : c.OrderType == OrderType.Market && c.TimeInForce is TimeInForce.Gtc or TimeInForce.PostOnly ? RejectReason.InvalidTimeInForce
            : c.SelfTradePrevention is not (SelfTradePrevention.CancelTaker or SelfTradePrevention.CancelMaker or SelfTradePrevention.CancelBoth) ? RejectReason.InvalidSelfTradePrevention
            : RejectReason.None;
        if (reason == RejectReason.None)
        {
            reason = CheckQuantity(s, c.Quantity);
        }

        if (reason == RejectReason.None)
        {
            reason = CheckPrice(c.Instrument, c.Price, c.OrderType == OrderType.Limit);
        }

        if (reason == RejectReason.None && !Fits(c.Price, c.Quantity))
        {
            reason = RejectReason.Overflow;
        }

        if (reason != RejectReason.None)
        {
            r.Reject(reason);
            return;
        }

        var asset = c.Side == Exchange.Side.Buy ? s.QuoteAsset : s.BaseAsset;
        var reserve = c.Side == Exchange.Side.Buy ? c.Price * c.Quantity : c.Quantity;
        if (!_accounts.TryGetValue(c.Account, out var acct) || acct.Free[asset] < reserve)
        {
            r.Reject(RejectReason.InsufficientFunds);
            return;
        }

        var opposite = Side(c.Instrument, Opposite(c.Side));
        if (c.TimeInForce == TimeInForce.PostOnly && opposite.Count > 0 && Crosses(c.Side, c.Price, opposite[0].Price))
        {
            r.Reject(RejectReason.PostOnlyWouldCross);
            return;
        }

        if (c.TimeInForce == TimeInForce.Fok)
        {
            long sum = 0;
            foreach (var o in opposite)
            {
                if (!Crosses(c.Side, c.Price, o.Price) || sum >= c.Quantity)
                {
                    break;
                }

                if (o.Account == c.Account)
                {
                    if (c.SelfTradePrevention == SelfTradePrevention.CancelMaker)
                    {
                        continue;
                    }

                    break;
                }

                sum += o.Open;
            }

            if (sum < c.Quantity)
            {
                r.Reject(RejectReason.FokNotFillable);
                return;
            }
        }

        acct.Free[asset] -= reserve;
        acct.Reserved[asset] += reserve;
        var order = new ModelOrder
        {
            OrderId = index, Account = c.Account, ClientId = c.ClientId, Instrument = c.Instrument, Side = c.Side, TimeInForce = c.TimeInForce,
            Stp = c.SelfTradePrevention, Price = c.Price, Quantity = c.Quantity, Open = c.Quantity,
        };
        AllOrders.Add(order);
        r.Code = ResultCode.Accepted;
        r.OrderId = index;
        var stop = Match(index, order, c.Price, r);
        r.Filled = order.Filled;
        if (order.Open > 0)
        {
            if (stop == CancelReason.None && c.OrderType == OrderType.Limit && c.TimeInForce is TimeInForce.Gtc or TimeInForce.PostOnly)
            {
                order.Live = true;
                order.Priority = ++_priority;
                r.Resting = order.Open;
            }
            else
            {
                Release(order.Account, s, order.Side, c.Price, order.Open);
                r.Cancelled = order.Open;
                r.CancelReason = stop == CancelReason.None ? CancelReason.ImmediateRemainder : stop;
                order.Cancelled += order.Open;
                order.Open = 0;
            }
        }

        r.MarketSequence = ++_sequence[c.Instrument];
    }

    /// <summary>Matches a taker (not on the book) against the opposite side; reservation price is <paramref name="limit"/>.</summary>
    private CancelReason Match(long index, ModelOrder taker, long limit, Result r)
    {
        var s = config.Instruments[taker.Instrument];
        var t = _accounts[taker.Account];
        foreach (var maker in Side(taker.Instrument, Opposite(taker.Side)))
        {
            if (taker.Open == 0 || !Crosses(taker.Side, limit, maker.Price))
            {
                break;
            }

            if (maker.Account == taker.Account)
            {
                if (taker.Stp != SelfTradePrevention.CancelTaker)
                {
                    r.Cancellations.Add(new OrderCancellation(maker.OrderId, maker.Account, maker.Open, CancelReason.SelfTrade));
                    Release(maker.Account, s, maker.Side, maker.Price, maker.Open);
                    maker.Cancelled += maker.Open;
                    maker.Open = 0;
                    maker.Live = false;
                }

                if (taker.Stp != SelfTradePrevention.CancelMaker)
                {
                    return CancelReason.SelfTrade;
                }

                continue;
            }

            var q = Math.Min(taker.Open, maker.Open);
            var p = maker.Price;
            var m = _accounts[maker.Account];
            if (taker.Side == Exchange.Side.Buy)
            {
                t.Reserved[s.QuoteAsset] -= limit * q;
                t.Free[s.QuoteAsset] += (limit - p) * q;
                t.Free[s.BaseAsset] += q;
                m.Reserved[s.BaseAsset] -= q;
                m.Free[s.QuoteAsset] += p * q;
            }
            else
            {
                t.Reserved[s.BaseAsset] -= q;
                t.Free[s.QuoteAsset] += p * q;
                m.Reserved[s.QuoteAsset] -= p * q;
                m.Free[s.BaseAsset] += q;
            }

            r.Trades.Add(new Trade(
                (index * ExchangeStateMachine.MaxTradesPerCommand) + r.Trades.Count, taker.Instrument, ++_sequence[taker.Instrument], p, q,
                maker.OrderId, maker.Account, taker.OrderId, taker.Account, taker.Side));
            _lastTrade[taker.Instrument] = p;
            taker.Open -= q;
            taker.Filled += q;
            maker.Open -= q;
            maker.Filled += q;
            if (maker.Open == 0)
            {
                maker.Live = false;
            }
        }

        return CancelReason.None;
    }

    private ModelOrder? Target(Command c)
    {
        if (c.OrderId != 0)
        {
            return Live.FirstOrDefault(o => o.OrderId == c.OrderId && o.Account == c.Account);
        }

        if (c.OrigClientId <= 0 || !_clientIds.TryGetValue((c.Account, c.OrigClientId), out var seen) || seen.OrderId == 0)
        {
            return null;
        }

        return Live.FirstOrDefault(o => o.OrderId == seen.OrderId && o.Account == c.Account && o.ClientId == c.OrigClientId);
    }

    private void Cancel(Command c, Result r)
    {
        var o = Target(c);
        if (o is null)
        {
            r.Reject(RejectReason.UnknownOrder);
            return;
        }

        var s = config.Instruments[o.Instrument];
        Release(o.Account, s, o.Side, o.Price, o.Open);
        (r.Code, r.OrderId, r.Cancelled, r.CancelReason) = (ResultCode.Cancelled, o.OrderId, o.Open, CancelReason.Requested);
        o.Cancelled += o.Open;
        o.Open = 0;
        o.Live = false;
        r.MarketSequence = ++_sequence[o.Instrument];
    }

    private void Replace(long index, Command c, Result r)
    {
        var o = Target(c);
        if (o is null)
        {
            r.Reject(RejectReason.UnknownOrder);
            return;
        }

        var s = config.Instruments[o.Instrument];
        var reason = CheckQuantity(s, c.Quantity);
        if (reason == RejectReason.None && c.Quantity <= o.Filled)
        {
            reason = RejectReason.InvalidQuantity;
        }

        if (reason == RejectReason.None)
        {
            reason = CheckPrice(o.Instrument, c.Price, band: true);
        }

        if (reason == RejectReason.None && !Fits(c.Price, c.Quantity))
        {
            reason = RejectReason.Overflow;
        }

        if (reason != RejectReason.None)
        {
            r.Reject(reason);
            return;
        }

        var newOpen = c.Quantity - o.Filled;
        if (c.Price == o.Price && c.Quantity < o.Quantity)
        {
            Release(o.Account, s, o.Side, o.Price, o.Open - newOpen);
            (o.Open, o.Quantity, o.ClientId) = (newOpen, c.Quantity, c.ClientId);
            (r.Code, r.OrderId, r.Resting) = (ResultCode.Replaced, o.OrderId, newOpen);
            r.MarketSequence = ++_sequence[o.Instrument];
            return;
        }

        var a = _accounts[o.Account];
        var asset = o.Side == Exchange.Side.Buy ? s.QuoteAsset : s.BaseAsset;
        var oldReserve = o.Side == Exchange.Side.Buy ? o.Price * o.Open : o.Open;
        var newReserve = o.Side == Exchange.Side.Buy ? c.Price * newOpen : newOpen;
        if (newReserve - oldReserve > a.Free[asset])
        {
            r.Reject(RejectReason.InsufficientFunds);
            return;
        }

        var opposite = Side(o.Instrument, Opposite(o.Side));
        if (o.TimeInForce == TimeInForce.PostOnly && opposite.Count > 0 && Crosses(o.Side, c.Price, opposite[0].Price))
        {
            r.Reject(RejectReason.PostOnlyWouldCross);
            return;
        }

        o.Live = false;
        a.Free[asset] -= newReserve - oldReserve;
        a.Reserved[asset] += newReserve - oldReserve;
        (o.Price, o.Quantity, o.Open, o.ClientId) = (c.Price, c.Quantity, newOpen, c.ClientId);
        (r.Code, r.OrderId) = (ResultCode.Replaced, o.OrderId);
        var filledBefore = o.Filled;
        var stop = Match(index, o, c.Price, r);
        r.Filled = o.Filled - filledBefore;
        if (o.Open > 0 && stop == CancelReason.None)
        {
            o.Live = true;
            o.Priority = ++_priority;
            r.Resting = o.Open;
        }
        else if (o.Open > 0)
        {
            Release(o.Account, s, o.Side, c.Price, o.Open);
            (r.Cancelled, r.CancelReason) = (o.Open, stop);
            o.Cancelled += o.Open;
            o.Open = 0;
        }

        r.MarketSequence = ++_sequence[o.Instrument];
    }

    private void Release(long account, InstrumentSpec s, Side side, long price, long quantity)
    {
        var a = _accounts[account];
        var asset = side == Exchange.Side.Buy ? s.QuoteAsset : s.BaseAsset;
        var amount = side == Exchange.Side.Buy ? price * quantity : quantity;
        a.Reserved[asset] -= amount;
        a.Free[asset] += amount;
    }

    private static bool Crosses(Side side, long limit, long restingPrice) => side == Exchange.Side.Buy ? restingPrice <= limit : restingPrice >= limit;

    private static Side Opposite(Side side) => side == Exchange.Side.Buy ? Exchange.Side.Sell : Exchange.Side.Buy;

    private sealed class Result
    {
        public ResultCode Code;
        public RejectReason Reason;
        public bool Duplicate;
        public long OrderId;
        public long Filled;
        public long Resting;
        public long Cancelled;
        public CancelReason CancelReason;
        public long MarketSequence;
        public List<Trade> Trades = [];
        public List<OrderCancellation> Cancellations = [];

        public void Reject(RejectReason reason) => (Code, Reason) = (ResultCode.Rejected, reason);
    }
}

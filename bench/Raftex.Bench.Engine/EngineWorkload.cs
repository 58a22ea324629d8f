using Raftex.Exchange;

namespace Raftex.Bench.Engine;

/// <summary>
/// Pre-generates encoded log entries on an exchange-core-like mix (9% GTC, 3% IOC, 6% cancel, 82% cancel-replace,
/// ~1,000 resting orders over ~750 price levels). A shadow engine applies every generated entry so the generator
/// always knows which orders are live, exactly as the measured engine will see them.
/// </summary>
internal sealed class EngineWorkload
{
    public const int Accounts = 2_000;
    public const long MidPrice = 100_000;
    public const int HalfSpanTicks = 750;
    public const int TargetOrders = 1_000;
    public const long StartTime = 1_000_000;

    private readonly Random _random;
    private readonly long[] _sessionOf = new long[Accounts + 1];
    private readonly long[] _sequenceOf = new long[Accounts + 1];
    private readonly long[] _nextClientId = new long[Accounts + 1];
    private readonly List<LiveOrder> _live = [];
    private readonly Dictionary<long, int> _livePosition = [];
    private readonly ExchangeStateMachine _shadow;
    private readonly ApplyResult _result = new();
    private readonly byte[] _scratch = new byte[CommandCodec.MaxEntrySize];
    private long _index;
    private long _touched;
    private long _time = StartTime;

    public EngineWorkload(ExchangeConfig config, int seed)
    {
        _random = new Random(seed);
        _shadow = new ExchangeStateMachine(config);
    }

    public static ExchangeConfig Config(long clientIdRetention) => new(
        ["BTC", "USD"],
        [new InstrumentSpec("BTC-USD", 0, 1, TickSize: 1, LotSize: 1, MinQuantity: 1, MaxQuantity: 1_000_000, ReferencePrice: MidPrice, BandBasisPoints: 500)],
        SessionTimeout: 600_000_000,
        SessionWindow: 64,
        ClientIdRetention: clientIdRetention);

    /// <summary>The setup entries: one session and one funded deposit pair per account.</summary>
    public EntryLog Setup()
    {
        var log = new EntryLog(Accounts * 3);
        for (var a = 1; a <= Accounts; a++)
        {
            var n = CommandCodec.EncodeRegisterSession(_scratch, _time);
            _sessionOf[a] = Append(log, n);
            n = CommandCodec.EncodeDeposit(_scratch, _time, _sessionOf[a], ++_sequenceOf[a], a, ++_nextClientId[a], 0, 1_000_000_000_000);
            Append(log, n);
            n = CommandCodec.EncodeDeposit(_scratch, _time, _sessionOf[a], ++_sequenceOf[a], a, ++_nextClientId[a], 1, 1_000_000_000_000_000);
            Append(log, n);
        }

        return log;
    }

    /// <summary>Generates <paramref name="count"/> trading entries.</summary>
    public EntryLog Trading(int count)
    {
        var log = new EntryLog(count);
        for (var i = 0; i < count; i++)
        {
            _time++;
            var roll = _random.Next(100);
            var live = _live.Count;
            int n;

            // The nominal mix, nudged so the book holds about TargetOrders: a place when the book is thin, a cancel when it is thick.
            if (live < TargetOrders * 9 / 10 || (roll < 9 && live < TargetOrders * 11 / 10) || (roll >= 12 && roll < 18 && live < TargetOrders))
            {
                n = Place(TimeInForce.Gtc);
            }
            else if (roll < 9 || (roll >= 12 && roll < 18))
            {
                n = CancelRandom();
            }
            else if (roll < 12)
            {
                n = Place(TimeInForce.Ioc);
            }
            else
            {
                n = ReplaceRandom();
            }

            Append(log, n);
        }

        return log;
    }

    private int Place(TimeInForce tif)
    {
        var a = 1 + _random.Next(Accounts);
        var side = _random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var bbo = _shadow.BestBidOffer(0);
        long price;
        if (tif == TimeInForce.Ioc || _random.Next(100) < 5)
        {
            // Aggressive: cross the spread by a few ticks so it trades.
            var touch = side == Side.Buy ? (bbo.AskPrice > 0 ? bbo.AskPrice : MidPrice) : (bbo.BidPrice > 0 ? bbo.BidPrice : MidPrice);
            price = side == Side.Buy ? touch + _random.Next(3) : touch - _random.Next(3);
        }
        else
        {
            // Passive: somewhere on our own side of the mid, spreading over the configured span.
            var depth = 1 + _random.Next(HalfSpanTicks);
            price = side == Side.Buy ? MidPrice - depth : MidPrice + depth;
        }

        price = Math.Clamp(price, MidPrice - HalfSpanTicks, MidPrice + HalfSpanTicks);
        var qty = 1 + _random.Next(100);
        return CommandCodec.EncodePlace(
            _scratch, _time, _sessionOf[a], ++_sequenceOf[a], a, ++_nextClientId[a], 0, side, OrderType.Limit, tif, SelfTradePrevention.CancelTaker, price, qty);
    }

    private int CancelRandom()
    {
        var o = _live[_random.Next(_live.Count)];
        return CommandCodec.EncodeCancel(_scratch, _time, _sessionOf[o.Account], ++_sequenceOf[o.Account], o.Account, ++_nextClientId[o.Account], o.ClientId, 0);
    }

    private int ReplaceRandom()
    {
        var position = _random.Next(_live.Count);
        var o = _live[position];
        var shift = _random.Next(-8, 9);
        var price = Math.Clamp(o.Price + shift, MidPrice - HalfSpanTicks, MidPrice + HalfSpanTicks);
        var qty = o.Quantity + _random.Next(-5, 6);
        if (qty <= o.Filled)
        {
            qty = o.Filled + 1;
        }

        var newId = ++_nextClientId[o.Account];
        _touched = o.OrderId;
        return CommandCodec.EncodeReplace(_scratch, _time, _sessionOf[o.Account], ++_sequenceOf[o.Account], o.Account, newId, o.ClientId, 0, price, qty);
    }

    private long Append(EntryLog log, int length)
    {
        var entry = _scratch.AsSpan(0, length);
        log.Add(entry);
        _index++;
        _shadow.Apply(_index, entry, _result);
        Track();
        return _index;
    }

    /// <summary>Keeps the live-order list in step with what the engine did.</summary>
    private void Track()
    {
        foreach (var t in _result.Trades)
        {
            Refresh(t.MakerOrderId);
        }

        foreach (var x in _result.Cancellations)
        {
            Refresh(x.OrderId);
        }

        if (_result.OrderId != 0)
        {
            Refresh(_result.OrderId);
        }

        if (_touched != 0)
        {
            Refresh(_touched);
            _touched = 0;
        }
    }

    private void Refresh(long orderId)
    {
        var isLive = _shadow.TryGetOrder(orderId, out var status);
        var known = _livePosition.TryGetValue(orderId, out var position);
        if (isLive)
        {
            var order = new LiveOrder(orderId, status.Account, status.ClientOrderId, status.Price, status.Quantity, status.Filled);
            if (known)
            {
                _live[position] = order;
            }
            else
            {
                _livePosition[orderId] = _live.Count;
                _live.Add(order);
            }
        }
        else if (known)
        {
            var last = _live[^1];
            _live[position] = last;
            _livePosition[last.OrderId] = position;
            _live.RemoveAt(_live.Count - 1);
            _livePosition.Remove(orderId);
        }
    }

    private readonly record struct LiveOrder(long OrderId, long Account, long ClientId, long Price, long Quantity, long Filled);
}

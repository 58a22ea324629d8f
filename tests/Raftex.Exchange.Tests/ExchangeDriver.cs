namespace Raftex.Exchange.Tests;

/// <summary>Drives an engine the way a node does: encodes commands into entries and applies them at increasing log indexes.</summary>
public sealed class ExchangeDriver
{
    public const int Btc = 0;
    public const int Usd = 1;
    public const int Eth = 2;
    public const int BtcUsd = 0;
    public const int EthUsd = 1;

    private readonly ApplyResult _result = new();
    private readonly byte[] _buffer = new byte[CommandCodec.MaxEntrySize];

    public ExchangeDriver(ExchangeConfig? config = null) => Engine = new ExchangeStateMachine(config ?? DefaultConfig());

    public ExchangeDriver(ExchangeStateMachine engine) => Engine = engine;

    /// <summary>Two funded accounts with resting orders on both sides, a partial fill and a session with one command.</summary>
    public static ExchangeDriver Busy(out long session)
    {
        var x = new ExchangeDriver();
        x.Fund(1);
        x.Fund(2);
        session = x.RegisterSession();
        x.Limit(1, Side.Buy, 995, 10, clientId: 3);
        x.Limit(2, Side.Sell, 1005, 10, clientId: 4);
        x.Place(2, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 1000, 4, session: session, seq: 1);
        x.Limit(1, Side.Buy, 1000, 2);
        return x;
    }

    public ExchangeStateMachine Engine { get; private set; }

    /// <summary>Log time stamped on the next entry.</summary>
    public long Time { get; set; } = 1_000;

    public long NextIndex => Engine.LastAppliedIndex + 1;

    /// <summary>BTC-USD: tick 5, lot 2, qty 2..1000, reference 1000, band ±20%; ETH-USD: tick 1, lot 1, no band.</summary>
    public static ExchangeConfig DefaultConfig(long sessionTimeout = 1_000_000, int sessionWindow = 8, long retention = 1_000_000) => new(
        ["BTC", "USD", "ETH"],
        [
            new InstrumentSpec("BTC-USD", Btc, Usd, TickSize: 5, LotSize: 2, MinQuantity: 2, MaxQuantity: 1_000, ReferencePrice: 1_000, BandBasisPoints: 2_000, MaxPrice: 1_000_000),
            new InstrumentSpec("ETH-USD", Eth, Usd, TickSize: 1, LotSize: 1, MinQuantity: 1, MaxQuantity: long.MaxValue, ReferencePrice: 100, BandBasisPoints: 0, MaxPrice: long.MaxValue / 10_000),
        ],
        sessionTimeout,
        sessionWindow,
        retention);

    public Outcome ApplyBytes(ReadOnlySpan<byte> entry)
    {
        Engine.Apply(NextIndex, entry, _result);
        return Outcome.From(_result);
    }

    public Outcome Apply(Command command)
    {
        command.Time = Time;
        var n = CommandCodec.Encode(_buffer, in command);
        return ApplyBytes(_buffer.AsSpan(0, n));
    }

    /// <summary>Encodes a command and stamps it the way a leader does, in the given entry format version.</summary>
    public Outcome ApplyStamped(Command command, byte version)
    {
        var n = CommandCodec.Encode(_buffer, in command);
        return ApplyBytes(CommandCodec.Stamp(_buffer[..n], version, Time));
    }

    public Outcome SetEntryFormat(byte version) => Apply(new Command { Type = CommandType.SetEntryFormat, EntryFormat = version });

    public Outcome Deposit(long account, int asset, long amount, long txId = 0, long session = 0, long seq = 0) => Apply(new Command
    {
        Type = CommandType.Deposit, Account = account, Asset = asset, Amount = amount, ClientId = txId == 0 ? NextIndex : txId, SessionId = session, SessionSequence = seq,
    });

    public Outcome Withdraw(long account, int asset, long amount, long txId = 0) => Apply(new Command
    {
        Type = CommandType.Withdraw, Account = account, Asset = asset, Amount = amount, ClientId = txId == 0 ? NextIndex : txId,
    });

    public Outcome Limit(long account, Side side, long price, long quantity, TimeInForce tif = TimeInForce.Gtc, long clientId = 0, int instrument = BtcUsd, SelfTradePrevention stp = SelfTradePrevention.CancelTaker)
        => Place(account, side, OrderType.Limit, tif, price, quantity, clientId, instrument, stp);

    public Outcome Market(long account, Side side, long protectionPrice, long quantity, TimeInForce tif = TimeInForce.Ioc, long clientId = 0, int instrument = BtcUsd, SelfTradePrevention stp = SelfTradePrevention.CancelTaker)
        => Place(account, side, OrderType.Market, tif, protectionPrice, quantity, clientId, instrument, stp);

    public Outcome Place(long account, Side side, OrderType type, TimeInForce tif, long price, long quantity, long clientId = 0, int instrument = BtcUsd, SelfTradePrevention stp = SelfTradePrevention.CancelTaker, long session = 0, long seq = 0)
        => Apply(new Command
        {
            Type = CommandType.PlaceOrder, Account = account, ClientId = clientId == 0 ? NextIndex : clientId, Instrument = instrument, Side = side, OrderType = type,
            TimeInForce = tif, SelfTradePrevention = stp, Price = price, Quantity = quantity, SessionId = session, SessionSequence = seq,
        });

    public Outcome Cancel(long account, long origClientId = 0, long orderId = 0, long requestId = 0) => Apply(new Command
    {
        Type = CommandType.CancelOrder, Account = account, ClientId = requestId == 0 ? NextIndex : requestId, OrigClientId = origClientId, OrderId = orderId,
    });

    public Outcome Replace(long account, long newClientId, long price, long quantity, long origClientId = 0, long orderId = 0) => Apply(new Command
    {
        Type = CommandType.ReplaceOrder, Account = account, ClientId = newClientId, OrigClientId = origClientId, OrderId = orderId, Price = price, Quantity = quantity,
    });

    public long RegisterSession() => Apply(new Command { Type = CommandType.RegisterSession }).Code == ResultCode.SessionRegistered ? Engine.LastAppliedIndex : -1;

    /// <summary>Funds an account generously in every asset.</summary>
    public void Fund(long account)
    {
        Deposit(account, Btc, 1_000_000);
        Deposit(account, Usd, 1_000_000_000);
        Deposit(account, Eth, 1_000_000);
    }

    public AccountBalance Balance(long account, int asset) => Engine.Balance(account, asset);

    /// <summary>Snapshots the engine and continues on the restored copy.</summary>
    public void SnapshotAndRestore()
    {
        using var stream = new MemoryStream();
        Engine.WriteSnapshot(stream);
        stream.Position = 0;
        Engine = ExchangeStateMachine.Restore(stream);
    }
}

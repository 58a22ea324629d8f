using Grpc.Core;
using Raftex.Exchange;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>Validates client requests at the edge (precise INVALID_ARGUMENT messages) and encodes them as log entries with an unstamped time.</summary>
internal sealed class CommandFactory(ExchangeConfig config)
{
    private readonly Dictionary<string, int> _symbols = config.Instruments.Select((s, i) => (s.Symbol, i)).ToDictionary(p => p.Symbol, p => p.i, StringComparer.Ordinal);
    private readonly Dictionary<string, int> _assets = config.Assets.Select((a, i) => (a, i)).ToDictionary(p => p.a, p => p.i, StringComparer.Ordinal);

    public ExchangeConfig Config => config;

    public int Instrument(string symbol) =>
        _symbols.TryGetValue(symbol ?? string.Empty, out var i) ? i : throw Invalid($"symbol '{symbol}' is not listed (known: {string.Join(", ", _symbols.Keys)})");

    public int Asset(string asset) =>
        _assets.TryGetValue(asset ?? string.Empty, out var i) ? i : throw Invalid($"asset '{asset}' is not listed (known: {string.Join(", ", _assets.Keys)})");

    public byte[] Submit(SubmitOrderRequest r, long sessionId = 0, long sequence = 0)
    {
        Account(r.Account);
        Id("client_order_id", r.ClientOrderId);
        var instrument = Instrument(r.Symbol);
        var side = r.Side switch
        {
            OrderSide.Buy => Side.Buy,
            OrderSide.Sell => Side.Sell,
            _ => throw Invalid("side must be BUY or SELL"),
        };
        var kind = r.Kind switch
        {
            OrderKind.Limit => OrderType.Limit,
            OrderKind.Market => OrderType.Market,
            _ => throw Invalid("kind must be LIMIT or MARKET"),
        };
        var tif = r.TimeInForce switch
        {
            Protocol.V1.TimeInForce.Gtc => Exchange.TimeInForce.Gtc,
            Protocol.V1.TimeInForce.Ioc => Exchange.TimeInForce.Ioc,
            Protocol.V1.TimeInForce.Fok => Exchange.TimeInForce.Fok,
            Protocol.V1.TimeInForce.PostOnly => Exchange.TimeInForce.PostOnly,
            _ => throw Invalid("time_in_force must be GTC, IOC, FOK or POST_ONLY"),
        };
        var stp = r.SelfTradePrevention switch
        {
            Protocol.V1.SelfTradePrevention.Unspecified or Protocol.V1.SelfTradePrevention.CancelTaker => Exchange.SelfTradePrevention.CancelTaker,
            Protocol.V1.SelfTradePrevention.CancelMaker => Exchange.SelfTradePrevention.CancelMaker,
            Protocol.V1.SelfTradePrevention.CancelBoth => Exchange.SelfTradePrevention.CancelBoth,
            _ => throw Invalid("self_trade_prevention is not a known value"),
        };
        if (r.Price <= 0)
        {
            throw Invalid("price must be positive (ticks)");
        }

        if (r.Quantity <= 0)
        {
            throw Invalid("quantity must be positive (lots)");
        }

        var bytes = new byte[CommandCodec.HeaderSize + CommandCodec.PlacePayloadSize];
        CommandCodec.EncodePlace(bytes, 0, sessionId, sequence, (long)r.Account, (long)r.ClientOrderId, instrument, side, kind, tif, stp, r.Price, r.Quantity);
        return bytes;
    }

    public byte[] Cancel(CancelOrderRequest r, long sessionId = 0, long sequence = 0)
    {
        Account(r.Account);
        Id("request_id", r.RequestId);
        if (r.OrigClientOrderId == 0 && r.OrderId == 0)
        {
            throw Invalid("one of orig_client_order_id or order_id is required");
        }

        Range("orig_client_order_id", r.OrigClientOrderId);
        Range("order_id", r.OrderId);
        var bytes = new byte[CommandCodec.HeaderSize + CommandCodec.CancelPayloadSize];
        CommandCodec.EncodeCancel(bytes, 0, sessionId, sequence, (long)r.Account, (long)r.RequestId, (long)r.OrigClientOrderId, (long)r.OrderId);
        return bytes;
    }

    public byte[] Replace(ReplaceOrderRequest r, long sessionId = 0, long sequence = 0)
    {
        Account(r.Account);
        Id("client_order_id", r.ClientOrderId);
        if (r.OrigClientOrderId == 0 && r.OrderId == 0)
        {
            throw Invalid("one of orig_client_order_id or order_id is required");
        }

        Range("orig_client_order_id", r.OrigClientOrderId);
        Range("order_id", r.OrderId);
        if (r.Price <= 0)
        {
            throw Invalid("price must be positive (ticks)");
        }

        if (r.Quantity <= 0)
        {
            throw Invalid("quantity must be positive (lots)");
        }

        var bytes = new byte[CommandCodec.HeaderSize + CommandCodec.ReplacePayloadSize];
        CommandCodec.EncodeReplace(bytes, 0, sessionId, sequence, (long)r.Account, (long)r.ClientOrderId, (long)r.OrigClientOrderId, (long)r.OrderId, r.Price, r.Quantity);
        return bytes;
    }

    public byte[] Transfer(TransferRequest r, bool deposit)
    {
        Account(r.Account);
        Id("transaction_id", r.TransactionId);
        var asset = Asset(r.Asset);
        if (r.Amount <= 0)
        {
            throw Invalid("amount must be positive");
        }

        var bytes = new byte[CommandCodec.HeaderSize + CommandCodec.TransferPayloadSize];
        if (deposit)
        {
            CommandCodec.EncodeDeposit(bytes, 0, 0, 0, (long)r.Account, (long)r.TransactionId, asset, r.Amount);
        }
        else
        {
            CommandCodec.EncodeWithdraw(bytes, 0, 0, 0, (long)r.Account, (long)r.TransactionId, asset, r.Amount);
        }

        return bytes;
    }

    public static byte[] RegisterSession()
    {
        var bytes = new byte[CommandCodec.HeaderSize];
        CommandCodec.EncodeRegisterSession(bytes, 0);
        return bytes;
    }

    /// <summary>The account a session command acts on (for authorisation), after validating the command is present.</summary>
    public static ulong AccountOf(SessionCommand c) => c.CommandCase switch
    {
        SessionCommand.CommandOneofCase.Submit => c.Submit.Account,
        SessionCommand.CommandOneofCase.Cancel => c.Cancel.Account,
        SessionCommand.CommandOneofCase.Replace => c.Replace.Account,
        _ => throw Invalid("command must be one of submit, cancel or replace"),
    };

    public byte[] Session(SessionCommand c, long sessionId)
    {
        if (c.Sequence == 0 || c.Sequence > long.MaxValue)
        {
            throw Invalid("sequence must be positive");
        }

        var seq = (long)c.Sequence;
        return c.CommandCase switch
        {
            SessionCommand.CommandOneofCase.Submit => Submit(c.Submit, sessionId, seq),
            SessionCommand.CommandOneofCase.Cancel => Cancel(c.Cancel, sessionId, seq),
            SessionCommand.CommandOneofCase.Replace => Replace(c.Replace, sessionId, seq),
            _ => throw Invalid("command must be one of submit, cancel or replace"),
        };
    }

    private static void Account(ulong account)
    {
        if (account == 0 || account > long.MaxValue)
        {
            throw Invalid("account must be in [1, 2^63)");
        }
    }

    private static void Id(string field, ulong id)
    {
        if (id == 0 || id > long.MaxValue)
        {
            throw Invalid($"{field} must be in [1, 2^63)");
        }
    }

    private static void Range(string field, ulong id)
    {
        if (id > long.MaxValue)
        {
            throw Invalid($"{field} must be below 2^63");
        }
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    /// <summary>
    /// Why a command forwarded by a peer may not be proposed (null when it may): it must be an unstamped version 1 client
    /// command (what <see cref="CommandFactory"/> builds) that decodes; a format raise goes only through Admin.
    /// </summary>
    public static string? ForwardRefusal(ReadOnlySpan<byte> command)
    {
        if (command.IsEmpty)
        {
            return "the forwarded command is empty";
        }

        if (command[0] != CommandCodec.FormatVersion)
        {
            return $"the forwarded command has format version {command[0]}; forwarded commands are unstamped version {CommandCodec.FormatVersion}";
        }

        if (!CommandCodec.TryDecode(command, out var decoded, out var reason))
        {
            return $"the forwarded command is malformed ({reason})";
        }

        return decoded.Type == CommandType.SetEntryFormat ? "the entry format is raised only through Admin SetEntryFormatVersion" : null;
    }
}

using System.Buffers.Binary;

namespace Raftex.Exchange;

/// <summary>The compact little-endian binary codec of log entries: a 26-byte envelope header followed by a fixed-size payload per command type.</summary>
public static class CommandCodec
{
    /// <summary>The only entry format version this build applies.</summary>
    public const byte FormatVersion = 1;

    /// <summary>
    /// Whether this build can apply entries of a format version. A node checks it before applying and stops with a clear
    /// error on an unsupported version (rolling upgrades); the state machine itself rejects such an entry deterministically.
    /// </summary>
    public static bool Supports(byte formatVersion) => formatVersion == FormatVersion;

    /// <summary>version u8, type u8, log time i64, session id i64, session sequence i64.</summary>
    public const int HeaderSize = 26;

    public const int TransferPayloadSize = 28;
    public const int PlacePayloadSize = 40;
    public const int CancelPayloadSize = 32;
    public const int ReplacePayloadSize = 48;

    /// <summary>The largest encoded entry.</summary>
    public const int MaxEntrySize = HeaderSize + ReplacePayloadSize;

    /// <summary>Payload size of a command type, or -1 if the type is unknown.</summary>
    public static int PayloadSize(CommandType type) => type switch
    {
        CommandType.RegisterSession => 0,
        CommandType.Deposit or CommandType.Withdraw => TransferPayloadSize,
        CommandType.PlaceOrder => PlacePayloadSize,
        CommandType.CancelOrder => CancelPayloadSize,
        CommandType.ReplaceOrder => ReplacePayloadSize,
        _ => -1,
    };

    public static int EncodeRegisterSession(Span<byte> dst, long time)
    {
        WriteHeader(dst, CommandType.RegisterSession, time, 0, 0);
        return HeaderSize;
    }

    public static int EncodeDeposit(Span<byte> dst, long time, long sessionId, long sequence, long account, long transactionId, int asset, long amount)
        => EncodeTransfer(dst, CommandType.Deposit, time, sessionId, sequence, account, transactionId, asset, amount);

    public static int EncodeWithdraw(Span<byte> dst, long time, long sessionId, long sequence, long account, long transactionId, int asset, long amount)
        => EncodeTransfer(dst, CommandType.Withdraw, time, sessionId, sequence, account, transactionId, asset, amount);

    public static int EncodePlace(
        Span<byte> dst, long time, long sessionId, long sequence, long account, long clientOrderId, int instrument,
        Side side, OrderType type, TimeInForce timeInForce, SelfTradePrevention stp, long price, long quantity)
    {
        WriteHeader(dst, CommandType.PlaceOrder, time, sessionId, sequence);
        var p = dst.Slice(HeaderSize, PlacePayloadSize);
        BinaryPrimitives.WriteInt64LittleEndian(p, account);
        BinaryPrimitives.WriteInt64LittleEndian(p[8..], clientOrderId);
        BinaryPrimitives.WriteInt32LittleEndian(p[16..], instrument);
        p[20] = (byte)side;
        p[21] = (byte)type;
        p[22] = (byte)timeInForce;
        p[23] = (byte)stp;
        BinaryPrimitives.WriteInt64LittleEndian(p[24..], price);
        BinaryPrimitives.WriteInt64LittleEndian(p[32..], quantity);
        return HeaderSize + PlacePayloadSize;
    }

    public static int EncodeCancel(Span<byte> dst, long time, long sessionId, long sequence, long account, long requestId, long origClientOrderId, long orderId)
    {
        WriteHeader(dst, CommandType.CancelOrder, time, sessionId, sequence);
        var p = dst.Slice(HeaderSize, CancelPayloadSize);
        BinaryPrimitives.WriteInt64LittleEndian(p, account);
        BinaryPrimitives.WriteInt64LittleEndian(p[8..], requestId);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], origClientOrderId);
        BinaryPrimitives.WriteInt64LittleEndian(p[24..], orderId);
        return HeaderSize + CancelPayloadSize;
    }

    public static int EncodeReplace(
        Span<byte> dst, long time, long sessionId, long sequence, long account, long clientOrderId, long origClientOrderId, long orderId, long price, long quantity)
    {
        WriteHeader(dst, CommandType.ReplaceOrder, time, sessionId, sequence);
        var p = dst.Slice(HeaderSize, ReplacePayloadSize);
        BinaryPrimitives.WriteInt64LittleEndian(p, account);
        BinaryPrimitives.WriteInt64LittleEndian(p[8..], clientOrderId);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], origClientOrderId);
        BinaryPrimitives.WriteInt64LittleEndian(p[24..], orderId);
        BinaryPrimitives.WriteInt64LittleEndian(p[32..], price);
        BinaryPrimitives.WriteInt64LittleEndian(p[40..], quantity);
        return HeaderSize + ReplacePayloadSize;
    }

    /// <summary>Encodes any command from its decoded form (tests and tools; the fields that the type does not use are ignored).</summary>
    public static int Encode(Span<byte> dst, in Command c) => c.Type switch
    {
        CommandType.RegisterSession => EncodeRegisterSession(dst, c.Time),
        CommandType.Deposit => EncodeDeposit(dst, c.Time, c.SessionId, c.SessionSequence, c.Account, c.ClientId, c.Asset, c.Amount),
        CommandType.Withdraw => EncodeWithdraw(dst, c.Time, c.SessionId, c.SessionSequence, c.Account, c.ClientId, c.Asset, c.Amount),
        CommandType.PlaceOrder => EncodePlace(dst, c.Time, c.SessionId, c.SessionSequence, c.Account, c.ClientId, c.Instrument, c.Side, c.OrderType, c.TimeInForce, c.SelfTradePrevention, c.Price, c.Quantity),
        CommandType.CancelOrder => EncodeCancel(dst, c.Time, c.SessionId, c.SessionSequence, c.Account, c.ClientId, c.OrigClientId, c.OrderId),
        CommandType.ReplaceOrder => EncodeReplace(dst, c.Time, c.SessionId, c.SessionSequence, c.Account, c.ClientId, c.OrigClientId, c.OrderId, c.Price, c.Quantity),
        _ => throw new ArgumentException($"cannot encode command type {(byte)c.Type}", nameof(c)),
    };

    /// <summary>Decodes an entry. On failure returns false with the reason; never throws on any input.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> entry, out Command command, out RejectReason reason)
    {
        command = default;
        if (entry.Length == 0)
        {
            reason = RejectReason.MalformedCommand;
            return false;
        }

        if (entry[0] != FormatVersion)
        {
            reason = RejectReason.UnsupportedVersion;
            return false;
        }

        if (entry.Length < HeaderSize)
        {
            reason = RejectReason.MalformedCommand;
            return false;
        }

        var type = (CommandType)entry[1];
        var size = PayloadSize(type);
        if (size < 0)
        {
            reason = RejectReason.UnknownCommand;
            return false;
        }

        if (entry.Length != HeaderSize + size)
        {
            reason = RejectReason.MalformedCommand;
            return false;
        }

        command.Version = entry[0];
        command.Type = type;
        command.Time = BinaryPrimitives.ReadInt64LittleEndian(entry[2..]);
        command.SessionId = BinaryPrimitives.ReadInt64LittleEndian(entry[10..]);
        command.SessionSequence = BinaryPrimitives.ReadInt64LittleEndian(entry[18..]);
        var p = entry[HeaderSize..];
        switch (type)
        {
            case CommandType.Deposit:
            case CommandType.Withdraw:
                command.Account = BinaryPrimitives.ReadInt64LittleEndian(p);
                command.ClientId = BinaryPrimitives.ReadInt64LittleEndian(p[8..]);
                command.Asset = BinaryPrimitives.ReadInt32LittleEndian(p[16..]);
                command.Amount = BinaryPrimitives.ReadInt64LittleEndian(p[20..]);
                break;
            case CommandType.PlaceOrder:
                command.Account = BinaryPrimitives.ReadInt64LittleEndian(p);
                command.ClientId = BinaryPrimitives.ReadInt64LittleEndian(p[8..]);
                command.Instrument = BinaryPrimitives.ReadInt32LittleEndian(p[16..]);
                command.Side = (Side)p[20];
                command.OrderType = (OrderType)p[21];
                command.TimeInForce = (TimeInForce)p[22];
                command.SelfTradePrevention = (SelfTradePrevention)p[23];
                command.Price = BinaryPrimitives.ReadInt64LittleEndian(p[24..]);
                command.Quantity = BinaryPrimitives.ReadInt64LittleEndian(p[32..]);
                break;
            case CommandType.CancelOrder:
                command.Account = BinaryPrimitives.ReadInt64LittleEndian(p);
                command.ClientId = BinaryPrimitives.ReadInt64LittleEndian(p[8..]);
                command.OrigClientId = BinaryPrimitives.ReadInt64LittleEndian(p[16..]);
                command.OrderId = BinaryPrimitives.ReadInt64LittleEndian(p[24..]);
                break;
            case CommandType.ReplaceOrder:
                command.Account = BinaryPrimitives.ReadInt64LittleEndian(p);
                command.ClientId = BinaryPrimitives.ReadInt64LittleEndian(p[8..]);
                command.OrigClientId = BinaryPrimitives.ReadInt64LittleEndian(p[16..]);
                command.OrderId = BinaryPrimitives.ReadInt64LittleEndian(p[24..]);
                command.Price = BinaryPrimitives.ReadInt64LittleEndian(p[32..]);
                command.Quantity = BinaryPrimitives.ReadInt64LittleEndian(p[40..]);
                break;
            default:
                break;
        }

        reason = RejectReason.None;
        return true;
    }

    private static int EncodeTransfer(Span<byte> dst, CommandType type, long time, long sessionId, long sequence, long account, long transactionId, int asset, long amount)
    {
        WriteHeader(dst, type, time, sessionId, sequence);
        var p = dst.Slice(HeaderSize, TransferPayloadSize);
        BinaryPrimitives.WriteInt64LittleEndian(p, account);
        BinaryPrimitives.WriteInt64LittleEndian(p[8..], transactionId);
        BinaryPrimitives.WriteInt32LittleEndian(p[16..], asset);
        BinaryPrimitives.WriteInt64LittleEndian(p[20..], amount);
        return HeaderSize + TransferPayloadSize;
    }

    private static void WriteHeader(Span<byte> dst, CommandType type, long time, long sessionId, long sequence)
    {
        dst[0] = FormatVersion;
        dst[1] = (byte)type;
        BinaryPrimitives.WriteInt64LittleEndian(dst[2..], time);
        BinaryPrimitives.WriteInt64LittleEndian(dst[10..], sessionId);
        BinaryPrimitives.WriteInt64LittleEndian(dst[18..], sequence);
    }
}

using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace Raftex.Exchange;

/// <summary>
/// The compact little-endian binary codec of log entries: a 26-byte envelope header followed by a fixed-size payload per
/// command type. Format version 1 is exactly that; version 2 adds a 4-byte CRC32C trailer over every preceding byte, so a
/// replica can tell an entry damaged between the proposing leader and its own apply from a genuine command. Version 3
/// entries are laid out as version 2; a cluster raised to it writes snapshot version 3 (compact sessions), which only a
/// binary that applies entry format 3 reads.
/// </summary>
public static class CommandCodec
{
    /// <summary>The version the Encode methods write (the version 1 layout); the leader's <see cref="Stamp"/> sets the version the cluster agreed on.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Version 2: the version 1 layout followed by a CRC32C (little-endian) of all preceding entry bytes.</summary>
    public const byte ChecksummedFormatVersion = 2;

    /// <summary>
    /// Version 3: entries as version 2 (CRC32C trailer). What it adds is the promise that every member reads snapshot
    /// version 3, so from it on snapshots carry sessions in the compact layout.
    /// </summary>
    public const byte CompactSnapshotFormatVersion = 3;

    /// <summary>The lowest entry format version this build applies.</summary>
    public const byte MinFormatVersion = 1;

    /// <summary>The highest entry format version this build applies (and can write).</summary>
    public const byte MaxFormatVersion = 3;

    /// <summary>Size of the CRC32C trailer of versions 2 and 3.</summary>
    public const int ChecksumSize = 4;

    /// <summary>Every entry format version this build applies, ascending.</summary>
    public static IReadOnlyList<byte> SupportedFormatVersions { get; } = Array.AsReadOnly(Enumerable.Range(MinFormatVersion, MaxFormatVersion - MinFormatVersion + 1).Select(v => (byte)v).ToArray());

    /// <summary>
    /// Whether this build can apply entries of a format version. A node checks it before applying and stops with a clear
    /// error on an unsupported version (rolling upgrades); the state machine itself rejects such an entry deterministically.
    /// </summary>
    public static bool Supports(uint formatVersion) => formatVersion is >= MinFormatVersion and <= MaxFormatVersion;

    /// <summary>Whether entries of a supported format version end in the CRC32C trailer (every version from 2 on).</summary>
    public static bool IsChecksummed(uint formatVersion) => formatVersion is >= ChecksummedFormatVersion and <= MaxFormatVersion;

    /// <summary>version u8, type u8, log time i64, session id i64, session sequence i64.</summary>
    public const int HeaderSize = 26;

    public const int TransferPayloadSize = 28;
    public const int PlacePayloadSize = 40;
    public const int CancelPayloadSize = 32;
    public const int ReplacePayloadSize = 48;
    public const int SetEntryFormatPayloadSize = 1;

    /// <summary>The largest entry the Encode methods write (version 1, before any stamp adds a trailer).</summary>
    public const int MaxEntrySize = HeaderSize + ReplacePayloadSize;

    /// <summary>The largest well-formed entry of any supported version.</summary>
    public const int MaxStampedEntrySize = MaxEntrySize + ChecksumSize;

    /// <summary>Payload size of a command type, or -1 if the type is unknown.</summary>
    public static int PayloadSize(CommandType type) => type switch
    {
        CommandType.RegisterSession => 0,
        CommandType.Deposit or CommandType.Withdraw => TransferPayloadSize,
        CommandType.PlaceOrder => PlacePayloadSize,
        CommandType.CancelOrder => CancelPayloadSize,
        CommandType.ReplaceOrder => ReplacePayloadSize,
        CommandType.SetEntryFormat => SetEntryFormatPayloadSize,
        _ => -1,
    };

    public static int EncodeRegisterSession(Span<byte> dst, long time)
    {
        WriteHeader(dst, CommandType.RegisterSession, time, 0, 0);
        return HeaderSize;
    }

    /// <summary>The replicated entry format version: from this entry on, the leader writes <paramref name="version"/>.</summary>
    public static int EncodeSetEntryFormat(Span<byte> dst, long time, byte version)
    {
        WriteHeader(dst, CommandType.SetEntryFormat, time, 0, 0);
        dst[HeaderSize] = version;
        return HeaderSize + SetEntryFormatPayloadSize;
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
        CommandType.SetEntryFormat => EncodeSetEntryFormat(dst, c.Time, c.EntryFormat),
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
            // Version 1 (the hot path) falls straight through; only the checksummed versions pay for their trailer.
            if (!IsChecksummed(entry[0]))
            {
                reason = RejectReason.UnsupportedVersion;
                return false;
            }

            if (!ChecksumMatches(entry, out _, out _))
            {
                reason = RejectReason.ChecksumMismatch;
                return false;
            }

            entry = entry[..^ChecksumSize];
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
            case CommandType.SetEntryFormat:
                command.EntryFormat = p[0];
                break;
            default:
                break;
        }

        reason = RejectReason.None;
        return true;
    }

    /// <summary>
    /// The leader's stamp on an encoded, unstamped command (the version 1 layout the Encode methods write): sets the format
    /// version and the log time. Version 1 rewrites <paramref name="command"/> in place and returns it; versions 2 and 3
    /// return a new array with the CRC32C trailer. Input too short for a header is stamped as far as it goes, never refused, so a
    /// malformed forwarded command becomes a deterministic reject on every replica rather than a fault of the leader.
    /// </summary>
    public static byte[] Stamp(byte[] command, byte version, long time)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!Supports(version))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"entry format version {version} is not supported by this build ({MinFormatVersion}..{MaxFormatVersion})");
        }

        if (command.Length == 0)
        {
            // An empty entry carries no command (Raft's no-op shape): nothing to stamp or protect.
            return command;
        }

        var entry = command;
        var checksummed = IsChecksummed(version);
        if (checksummed)
        {
            entry = new byte[command.Length + ChecksumSize];
            command.AsSpan().CopyTo(entry);
        }

        entry[0] = version;
        if (command.Length >= 10)
        {
            BinaryPrimitives.WriteInt64LittleEndian(entry.AsSpan(2), time);
        }

        if (checksummed)
        {
            var body = entry.AsSpan(0, command.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(command.Length), Crc32C(body));
        }

        return entry;
    }

    /// <summary>
    /// Whether this build can apply an entry at all, as opposed to rejecting it deterministically. False, with the reason,
    /// for an unsupported format version, a checksummed (version 2 or 3) entry whose checksum does not match (this replica's copy is damaged:
    /// a reject here alone would diverge) and a raise of the entry format to a version this build does not support. A node
    /// stops applying on such an entry. Anything else, however malformed, is for the state machine to reject identically
    /// on every replica. Empty entries (no command) are applicable.
    /// </summary>
    public static bool CanApply(ReadOnlySpan<byte> entry, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (entry.IsEmpty)
        {
            return true;
        }

        var version = entry[0];
        if (IsChecksummed(version))
        {
            if (entry.Length <= ChecksumSize)
            {
                reason = $"format version {version} entry of {entry.Length} bytes is too short to hold its checksum (damaged copy)";
                return false;
            }

            if (!ChecksumMatches(entry, out var stored, out var computed))
            {
                reason = $"format version {version} checksum mismatch: stored {stored:x8}, computed {computed:x8} (this replica's copy is damaged)";
                return false;
            }

            entry = entry[..^ChecksumSize];
        }
        else if (version != FormatVersion)
        {
            reason = $"format version {version} is not supported by this binary (it applies versions {string.Join(", ", SupportedFormatVersions)})";
            return false;
        }

        if (entry.Length == HeaderSize + SetEntryFormatPayloadSize && entry[1] == (byte)CommandType.SetEntryFormat && !Supports(entry[HeaderSize]))
        {
            reason = $"the entry raises the entry format to version {entry[HeaderSize]}, which this binary does not support (it applies versions {string.Join(", ", SupportedFormatVersions)})";
            return false;
        }

        return true;
    }

    /// <summary>CRC32C (Castagnoli, reflected, init and final xor 0xFFFFFFFF), hardware accelerated where the CPU has it.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        if (i + 4 <= data.Length)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data[i..]));
            i += 4;
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }

    private static bool ChecksumMatches(ReadOnlySpan<byte> entry, out uint stored, out uint computed)
    {
        if (entry.Length <= ChecksumSize)
        {
            stored = 0;
            computed = 0;
            return false;
        }

        stored = BinaryPrimitives.ReadUInt32LittleEndian(entry[^ChecksumSize..]);
        computed = Crc32C(entry[..^ChecksumSize]);
        return stored == computed;
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

using System.Buffers.Binary;

namespace Raftex.Raft.Storage;

/// <summary>The outcome of trying to read one framed record.</summary>
internal enum RecordReadStatus
{
    Ok,
    /// <summary>Fewer than a header's worth of bytes remain.</summary>
    ShortHeader,
    /// <summary>The length field is beyond the maximum record size.</summary>
    BadLength,
    /// <summary>The declared payload runs past the end of the file.</summary>
    ShortPayload,
    /// <summary>The type byte names no record type.</summary>
    BadType,
    /// <summary>The checksum does not match.</summary>
    BadChecksum,
}

/// <summary>Record framing: <c>[length u32][crc32c u32][type u8][payload]</c>, little-endian.</summary>
/// <remarks>
/// The CRC covers the length, the type and the payload, so a flipped length bit is caught even when
/// the wrong length still lands inside the file.
/// </remarks>
internal static class WalRecord
{
    public const int HeaderSize = 9;

    /// <summary>The largest payload a record may carry; anything larger in a length field is damage.</summary>
    public const int MaxPayload = 256 * 1024 * 1024;

    public const int EntryFixedSize = 17;
    public const int HardStateSize = 24;
    public const int TruncateSize = 8;

    public static string Describe(RecordReadStatus status) => status switch
    {
        RecordReadStatus.ShortHeader => "record header cut short by the end of the file",
        RecordReadStatus.BadLength => "record length field out of range",
        RecordReadStatus.ShortPayload => "record payload runs past the end of the file",
        RecordReadStatus.BadType => "unknown record type",
        RecordReadStatus.BadChecksum => "record checksum mismatch",
        _ => "ok",
    };

    /// <summary>Fills in the checksum of a record whose length, type and payload are already in place.</summary>
    public static void Seal(Span<byte> record)
    {
        var crc = Crc32C.Append(Crc32C.Seed, record[..4]);
        crc = Crc32C.Append(crc, record[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..8], Crc32C.Finish(crc));
    }

    /// <summary>
    /// Reads the record at <paramref name="offset"/>. <paramref name="size"/> is its whole framed size once the frame is known to
    /// fit in <paramref name="data"/> (on success, and also on a bad type or checksum); otherwise 0.
    /// </summary>
    public static RecordReadStatus TryRead(ReadOnlySpan<byte> data, int offset, out WalRecordType type, out ReadOnlySpan<byte> payload, out int size)
    {
        type = default;
        payload = default;
        size = 0;
        var rest = data[offset..];
        if (rest.Length < HeaderSize)
        {
            return RecordReadStatus.ShortHeader;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        if (length > MaxPayload)
        {
            return RecordReadStatus.BadLength;
        }

        if (rest.Length - HeaderSize < length)
        {
            return RecordReadStatus.ShortPayload;
        }

        size = HeaderSize + (int)length;
        var typeByte = rest[8];
        if (typeByte is < (byte)WalRecordType.Entry or > (byte)WalRecordType.SnapshotMarker)
        {
            return RecordReadStatus.BadType;
        }

        var record = rest[..(HeaderSize + (int)length)];
        var crc = Crc32C.Append(Crc32C.Seed, record[..4]);
        crc = Crc32C.Append(crc, record[8..]);
        if (Crc32C.Finish(crc) != BinaryPrimitives.ReadUInt32LittleEndian(rest[4..8]))
        {
            return RecordReadStatus.BadChecksum;
        }

        type = (WalRecordType)typeByte;
        payload = record[HeaderSize..];
        return RecordReadStatus.Ok;
    }

    public static int SnapshotMarkerSize(SnapshotMetadata snapshot) =>
        16 + 4 + (8 * snapshot.ConfState.Voters.Count) + 4 + (8 * snapshot.ConfState.Learners.Count);

    public static void WriteEntry(Span<byte> payload, in Entry entry)
    {
        BinaryPrimitives.WriteInt64LittleEndian(payload, entry.Index);
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], entry.Term);
        payload[16] = (byte)entry.Type;
        entry.Data.Span.CopyTo(payload[EntryFixedSize..]);
    }

    public static void WriteHardState(Span<byte> payload, HardState hardState)
    {
        BinaryPrimitives.WriteInt64LittleEndian(payload, hardState.Term);
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], hardState.Vote);
        BinaryPrimitives.WriteInt64LittleEndian(payload[16..], hardState.Commit);
    }

    public static void WriteSnapshotMarker(Span<byte> payload, SnapshotMetadata snapshot)
    {
        BinaryPrimitives.WriteInt64LittleEndian(payload, snapshot.Index);
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], snapshot.Term);
        var at = 16;
        at = WriteIds(payload, at, snapshot.ConfState.Voters);
        WriteIds(payload, at, snapshot.ConfState.Learners);
    }

    /// <summary>Decodes an entry payload, copying its data so the entry does not pin the segment buffer.</summary>
    public static Entry ReadEntry(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < EntryFixedSize)
        {
            throw new FormatException($"entry record payload is {payload.Length} bytes, shorter than {EntryFixedSize}");
        }

        return new Entry(
            BinaryPrimitives.ReadInt64LittleEndian(payload),
            BinaryPrimitives.ReadInt64LittleEndian(payload[8..]),
            (EntryType)payload[16],
            payload[EntryFixedSize..].ToArray());
    }

    public static HardState ReadHardState(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != HardStateSize)
        {
            throw new FormatException($"hard state record payload is {payload.Length} bytes, expected {HardStateSize}");
        }

        return new HardState(
            BinaryPrimitives.ReadInt64LittleEndian(payload),
            BinaryPrimitives.ReadInt64LittleEndian(payload[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(payload[16..]));
    }

    public static long ReadTruncate(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != TruncateSize)
        {
            throw new FormatException($"truncate record payload is {payload.Length} bytes, expected {TruncateSize}");
        }

        return BinaryPrimitives.ReadInt64LittleEndian(payload);
    }

    public static SnapshotMetadata ReadSnapshotMarker(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 24)
        {
            throw new FormatException($"snapshot marker payload is {payload.Length} bytes, too short");
        }

        var index = BinaryPrimitives.ReadInt64LittleEndian(payload);
        var term = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        var at = 16;
        var voters = ReadIds(payload, ref at);
        var learners = ReadIds(payload, ref at);
        if (at != payload.Length)
        {
            throw new FormatException($"snapshot marker payload has {payload.Length - at} trailing bytes");
        }

        return new SnapshotMetadata(index, term, new ConfState(voters, learners));
    }

    internal static int WriteIds(Span<byte> buffer, int at, IReadOnlyList<long> ids)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], ids.Count);
        at += 4;
        for (var i = 0; i < ids.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], ids[i]);
            at += 8;
        }

        return at;
    }

    internal static long[] ReadIds(ReadOnlySpan<byte> buffer, ref int at)
    {
        if (buffer.Length - at < 4)
        {
            throw new FormatException("member list count is cut short");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(buffer[at..]);
        at += 4;
        if (count < 0 || (long)count * 8 > buffer.Length - at)
        {
            throw new FormatException($"member list count {count} does not fit the remaining {buffer.Length - at} bytes");
        }

        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = BinaryPrimitives.ReadInt64LittleEndian(buffer[at..]);
            at += 8;
        }

        return ids;
    }
}

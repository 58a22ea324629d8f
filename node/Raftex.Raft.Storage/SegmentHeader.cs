using System.Buffers.Binary;

namespace Raftex.Raft.Storage;

/// <summary>
/// The fixed 48-byte header at the start of every segment:
/// magic u64, format version u32, flags u32, group id u64, first index u64, sequence u64, crc32c u32, reserved u32.
/// </summary>
internal readonly record struct SegmentHeader(long GroupId, long FirstIndex, long Sequence)
{
    public const int Size = 48;

    /// <summary>"RFTXWAL\n" read as a little-endian u64.</summary>
    public static readonly ulong Magic = BinaryPrimitives.ReadUInt64LittleEndian("RFTXWAL\n"u8);

    public const uint CurrentVersion = 1;

    public void Write(Span<byte> buffer)
    {
        var header = buffer[..Size];
        header.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], CurrentVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], GroupId);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], FirstIndex);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], Sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], Crc32C.Compute(header[..40]));
    }

    /// <summary>Parses and checks a header; the version is checked before the checksum because a newer format may lay the header out differently.</summary>
    public static SegmentHeader Read(ReadOnlySpan<byte> data, string path)
    {
        if (data.Length < Size)
        {
            throw new WalCorruptionException(path, 0, $"segment is {data.Length} bytes, shorter than its {Size}-byte header");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(data) != Magic)
        {
            throw new WalCorruptionException(path, 0, "segment header magic is wrong (not a Raftex WAL segment)");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (version != CurrentVersion)
        {
            throw new WalFormatException(path, version, CurrentVersion);
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data[40..]) != Crc32C.Compute(data[..40]))
        {
            throw new WalCorruptionException(path, 0, "segment header checksum mismatch");
        }

        return new SegmentHeader(
            BinaryPrimitives.ReadInt64LittleEndian(data[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(data[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(data[32..]));
    }

    public static string FileName(long sequence, long firstIndex) => $"{sequence:x16}-{firstIndex:x16}.wal";

    public static bool TryParseFileName(string fileName, out long sequence, out long firstIndex)
    {
        sequence = 0;
        firstIndex = 0;
        return fileName.Length == 37 && fileName[16] == '-' && fileName.EndsWith(".wal", StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out sequence)
            && long.TryParse(fileName.AsSpan(17, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out firstIndex);
    }
}

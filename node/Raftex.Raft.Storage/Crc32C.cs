using System.Buffers.Binary;
using System.Numerics;

namespace Raftex.Raft.Storage;

/// <summary>CRC32C (Castagnoli), the checksum of every WAL record and snapshot file.</summary>
/// <remarks>
/// BitOperations.Crc32C maps to the SSE4.2 / ARMv8 CRC instruction where the CPU has one and
/// to a table otherwise, so the hot path costs about a cycle per 8 bytes.
/// </remarks>
internal static class Crc32C
{
    public const uint Seed = 0xFFFF_FFFF;

    /// <summary>Folds <paramref name="data"/> into a running (not yet finalised) CRC.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        if (data.Length >= 4)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    public static uint Finish(uint crc) => ~crc;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Seed, data));
}

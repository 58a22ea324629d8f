using System.Buffers.Binary;

namespace Raftex.Backup;

/// <summary>
/// The checksum an exchange snapshot stores after its body (the 64-bit mixing hash of Raftex.Exchange over the body's
/// length and then its little-endian 8-byte words, the last one zero-padded), computed over a body that arrives in pieces
/// of any size. <see cref="SnapshotFileCheck"/> proves on every check that it agrees with the exchange's own: the
/// summary it reads is framed with a checksum from here and <see cref="Raftex.Exchange.ExchangeStateMachine.ReadSummary"/> verifies it.
/// </summary>
internal struct ExchangeChecksum
{
    private const ulong Seed = 0x52414654_45584348UL;
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    private ulong _hash;
    private ulong _partial;
    private int _partialBytes;

    public ExchangeChecksum(long length)
    {
        _hash = Mix(Seed, (ulong)length);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        while (_partialBytes != 0 && !data.IsEmpty)
        {
            _partial |= (ulong)data[0] << (8 * _partialBytes);
            data = data[1..];
            if (++_partialBytes == 8)
            {
                _hash = Mix(_hash, _partial);
                _partial = 0;
                _partialBytes = 0;
            }
        }

        var h = _hash;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            h = Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        _hash = h;
        for (; i < data.Length; i++)
        {
            _partial |= (ulong)data[i] << (8 * _partialBytes++);
        }
    }

    public readonly ulong Finish()
    {
        var h = Mix(_hash, _partial);
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    private static ulong Mix(ulong h, ulong v)
    {
        h ^= v * Prime2;
        return ((h << 31) | (h >> 33)) * Prime1;
    }
}

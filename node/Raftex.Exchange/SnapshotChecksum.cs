using System.Buffers.Binary;

namespace Raftex.Exchange;

/// <summary>
/// The checksum an exchange snapshot stores after its body (<see cref="StateHasher"/> over the body's length, then its
/// little-endian 8-byte words, the last one zero-padded), over a body that may arrive in pieces of any size: the
/// snapshot writer and reader use it whole, a backup's streaming check piece by piece.
/// </summary>
public struct SnapshotChecksum
{
    private ulong _hash;
    private ulong _partial;
    private int _partialBytes;

    /// <summary>Starts the checksum of a body of <paramref name="length"/> bytes.</summary>
    public SnapshotChecksum(long length)
    {
        _hash = StateHasher.Mix(StateHasher.Seed, (ulong)length);
    }

    /// <summary>The checksum of a whole body.</summary>
    public static ulong Of(ReadOnlySpan<byte> body)
    {
        var checksum = new SnapshotChecksum(body.Length);
        checksum.Append(body);
        return checksum.Finish();
    }

    /// <summary>Takes the next bytes of the body.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        while (_partialBytes != 0 && !data.IsEmpty)
        {
            _partial |= (ulong)data[0] << (8 * _partialBytes);
            data = data[1..];
            if (++_partialBytes == 8)
            {
                _hash = StateHasher.Mix(_hash, _partial);
                _partial = 0;
                _partialBytes = 0;
            }
        }

        var h = _hash;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            h = StateHasher.Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        _hash = h;
        for (; i < data.Length; i++)
        {
            _partial |= (ulong)data[i] << (8 * _partialBytes++);
        }
    }

    /// <summary>The checksum of everything appended (which must be the whole body).</summary>
    public readonly ulong Finish() => StateHasher.Finish(StateHasher.Mix(_hash, _partial));
}

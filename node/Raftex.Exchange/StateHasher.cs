using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Raftex.Exchange;

/// <summary>A fast, stable 64-bit mixing hash (not cryptographic): it detects divergence between replicas, nothing more.</summary>
internal static class StateHasher
{
    public const ulong Seed = 0x52414654_45584348UL;

    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong h, ulong v)
    {
        h ^= v * Prime2;
        h = ((h << 31) | (h >> 33)) * Prime1;
        return h;
    }

    public static ulong Finish(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    public static ulong Bytes(ulong h, ReadOnlySpan<byte> data)
    {
        h = Mix(h, (ulong)data.Length);
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            h = Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        ulong tail = 0;
        for (var shift = 0; i < data.Length; i++, shift += 8)
        {
            tail |= (ulong)data[i] << shift;
        }

        return Mix(h, tail);
    }

    /// <summary>Folds one applied entry and everything it produced into the rolling hash.</summary>
    public static ulong Fold(ulong h, ReadOnlySpan<byte> entry, ApplyResult r)
    {
        h = Mix(h, (ulong)r.LogIndex);
        h = Mix(h, (ulong)r.LogTime);
        h = Bytes(h, entry);
        h = Mix(h, (ulong)r.Code | ((ulong)r.Reason << 8) | ((ulong)r.CancelReason << 16) | (r.IsDuplicate ? 1UL << 24 : 0));
        h = Mix(h, (ulong)r.OrderId);
        h = Mix(h, (ulong)r.SessionId);
        h = Mix(h, (ulong)r.FilledQuantity);
        h = Mix(h, (ulong)r.RestingQuantity);
        h = Mix(h, (ulong)r.CancelledQuantity);
        h = Mix(h, (ulong)r.MarketDataSequence);
        foreach (ref readonly var t in r.Trades)
        {
            h = Mix(h, (ulong)t.TradeId);
            h = Mix(h, (ulong)t.Price);
            h = Mix(h, (ulong)t.Quantity);
            h = Mix(h, (ulong)t.MakerOrderId);
        }

        foreach (ref readonly var x in r.Cancellations)
        {
            h = Mix(h, (ulong)x.OrderId);
            h = Mix(h, (ulong)x.CancelledQuantity);
        }

        return h;
    }
}

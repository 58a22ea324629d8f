using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Raftex.Exchange;

/// <summary>What the state machine remembers about one (account, client id): the outcome to repeat to a retry.</summary>
internal struct ClientIdEntry
{
    public long Account;
    public long ClientId;
    public long OrderId;
    public ResultCode Code;
    public RejectReason Reason;
}

/// <summary>
/// Open-addressing hash table of <see cref="ClientIdEntry"/> keyed by (account, client id): one array of entries, so a lookup
/// usually costs one cache line; linear probing with backward-shift deletion (no tombstones). Account 0 marks an empty slot.
/// Never iterated: nothing the state machine outputs depends on its layout.
/// </summary>
internal sealed class ClientKeyMap
{
    private ClientIdEntry[] _entries;
    private int _mask;

    public ClientKeyMap(int capacity = 16)
    {
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }

        _entries = new ClientIdEntry[size];
        _mask = size - 1;
    }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(long account, long id)
    {
        var h = (ulong)(id * unchecked((long)0x9E3779B97F4A7C15UL)) ^ (ulong)(account * unchecked((long)0xC2B2AE3D27D4EB4FUL));
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        return (int)(h >> 32) & _mask;
    }

    /// <summary>The slot holding the key, or -1. A slot stays valid until the next <see cref="Add"/> or <see cref="Remove"/>.</summary>
    public int Find(long account, long id)
    {
        var entries = _entries;
        var i = Slot(account, id);
        while (true)
        {
            ref var e = ref entries[i];
            if (e.Account == account && e.ClientId == id)
            {
                return i;
            }

            if (e.Account == 0)
            {
                return -1;
            }

            i = (i + 1) & _mask;
        }
    }

    public ref ClientIdEntry At(int slot) => ref _entries[slot];

    /// <summary>
    /// Hints the CPU to start loading the key's home slot. The table is large (one entry per remembered id), so a lookup is
    /// usually a cache miss; issuing the loads for a command's ids together lets the misses overlap instead of queueing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(long account, long id)
    {
        if (Sse.IsSupported)
        {
            var slot = Slot(account, id);
            fixed (ClientIdEntry* p = &_entries[slot])
            {
                Sse.Prefetch0(p);

                // The probe run often continues into the next cache line (the table is up to half full).
                if (slot + 2 < _entries.Length)
                {
                    Sse.Prefetch0(p + 2);
                }
            }
        }
    }

    /// <summary>Adds an entry whose key is not present.</summary>
    public void Add(in ClientIdEntry entry)
    {
        if ((Count + 1) * 2 > _entries.Length)
        {
            Grow();
        }

        var i = Slot(entry.Account, entry.ClientId);
        while (_entries[i].Account != 0)
        {
            i = (i + 1) & _mask;
        }

        _entries[i] = entry;
        Count++;
    }

    public bool Remove(long account, long id)
    {
        var slot = Find(account, id);
        if (slot < 0)
        {
            return false;
        }

        RemoveAt(slot);
        return true;
    }

    /// <summary>Removes the entry in an occupied slot.</summary>
    public void RemoveAt(int slot)
    {
        var hole = slot;
        // Backward-shift: pull later members of the probe run into the hole so lookups never need tombstones.
        var j = hole;
        while (true)
        {
            j = (j + 1) & _mask;
            ref var e = ref _entries[j];
            if (e.Account == 0)
            {
                break;
            }

            var home = Slot(e.Account, e.ClientId);
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                _entries[hole] = e;
                hole = j;
            }
        }

        _entries[hole] = default;
        Count--;
    }

    private void Grow()
    {
        var old = _entries;
        _entries = new ClientIdEntry[old.Length * 2];
        _mask = _entries.Length - 1;
        Count = 0;
        foreach (ref readonly var e in old.AsSpan())
        {
            if (e.Account != 0)
            {
                Add(in e);
            }
        }
    }
}

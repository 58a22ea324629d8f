using System.Runtime.CompilerServices;

namespace Raftex.Exchange;

/// <summary>
/// Open-addressing hash map from a non-zero long to an int, linear probing with backward-shift deletion
/// (no tombstones, so a long-running map never degrades). Key 0 marks an empty slot.
/// Never iterated: nothing the state machine outputs depends on its layout.
/// </summary>
internal sealed class Int64Map
{
    private long[] _keys;
    private int[] _values;
    private int _mask;

    public Int64Map(int capacity = 16)
    {
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }

        _keys = new long[size];
        _values = new int[size];
        _mask = size - 1;
    }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(long key) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15UL)) >> 32) & _mask;

    /// <summary>The value of a key, or -1 (always -1 for key 0, which marks empty slots).</summary>
    public int Get(long key)
    {
        if (key == 0)
        {
            return -1;
        }

        var keys = _keys;
        var i = Slot(key);
        while (true)
        {
            var k = keys[i];
            if (k == key)
            {
                return _values[i];
            }

            if (k == 0)
            {
                return -1;
            }

            i = (i + 1) & _mask;
        }
    }

    public void Set(long key, int value)
    {
        if ((Count + 1) * 2 > _keys.Length)
        {
            Grow();
        }

        var i = Slot(key);
        while (true)
        {
            var k = _keys[i];
            if (k == key)
            {
                _values[i] = value;
                return;
            }

            if (k == 0)
            {
                _keys[i] = key;
                _values[i] = value;
                Count++;
                return;
            }

            i = (i + 1) & _mask;
        }
    }

    public bool Remove(long key)
    {
        var i = Slot(key);
        while (true)
        {
            var k = _keys[i];
            if (k == 0)
            {
                return false;
            }

            if (k == key)
            {
                break;
            }

            i = (i + 1) & _mask;
        }

        // Backward-shift: pull later members of the probe run into the hole so lookups never need tombstones.
        var hole = i;
        var j = i;
        while (true)
        {
            j = (j + 1) & _mask;
            var k = _keys[j];
            if (k == 0)
            {
                break;
            }

            var home = Slot(k);
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                _keys[hole] = k;
                _values[hole] = _values[j];
                hole = j;
            }
        }

        _keys[hole] = 0;
        Count--;
        return true;
    }

    private void Grow()
    {
        var oldKeys = _keys;
        var oldValues = _values;
        _keys = new long[oldKeys.Length * 2];
        _values = new int[oldKeys.Length * 2];
        _mask = _keys.Length - 1;
        Count = 0;
        for (var i = 0; i < oldKeys.Length; i++)
        {
            if (oldKeys[i] != 0)
            {
                Set(oldKeys[i], oldValues[i]);
            }
        }
    }
}

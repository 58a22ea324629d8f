using System.Runtime.CompilerServices;

namespace Raftex.Exchange;

/// <summary>
/// Open-addressing hash map from (account, client id) to an int, linear probing with backward-shift deletion.
/// Account 0 marks an empty slot (accounts are positive). Never iterated.
/// </summary>
internal sealed class ClientKeyMap
{
    private long[] _accounts;
    private long[] _ids;
    private int[] _values;
    private int _mask;

    public ClientKeyMap(int capacity = 16)
    {
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }

        _accounts = new long[size];
        _ids = new long[size];
        _values = new int[size];
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

    /// <summary>The value of a key, or -1.</summary>
    public int Get(long account, long id)
    {
        var i = Slot(account, id);
        while (true)
        {
            var a = _accounts[i];
            if (a == account && _ids[i] == id)
            {
                return _values[i];
            }

            if (a == 0)
            {
                return -1;
            }

            i = (i + 1) & _mask;
        }
    }

    public void Set(long account, long id, int value)
    {
        if ((Count + 1) * 2 > _accounts.Length)
        {
            Grow();
        }

        var i = Slot(account, id);
        while (true)
        {
            var a = _accounts[i];
            if (a == account && _ids[i] == id)
            {
                _values[i] = value;
                return;
            }

            if (a == 0)
            {
                _accounts[i] = account;
                _ids[i] = id;
                _values[i] = value;
                Count++;
                return;
            }

            i = (i + 1) & _mask;
        }
    }

    public bool Remove(long account, long id)
    {
        var i = Slot(account, id);
        while (true)
        {
            var a = _accounts[i];
            if (a == 0)
            {
                return false;
            }

            if (a == account && _ids[i] == id)
            {
                break;
            }

            i = (i + 1) & _mask;
        }

        var hole = i;
        var j = i;
        while (true)
        {
            j = (j + 1) & _mask;
            var a = _accounts[j];
            if (a == 0)
            {
                break;
            }

            var home = Slot(a, _ids[j]);
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                _accounts[hole] = a;
                _ids[hole] = _ids[j];
                _values[hole] = _values[j];
                hole = j;
            }
        }

        _accounts[hole] = 0;
        _ids[hole] = 0;
        Count--;
        return true;
    }

    private void Grow()
    {
        var oldAccounts = _accounts;
        var oldIds = _ids;
        var oldValues = _values;
        _accounts = new long[oldAccounts.Length * 2];
        _ids = new long[oldAccounts.Length * 2];
        _values = new int[oldAccounts.Length * 2];
        _mask = _accounts.Length - 1;
        Count = 0;
        for (var i = 0; i < oldAccounts.Length; i++)
        {
            if (oldAccounts[i] != 0)
            {
                Set(oldAccounts[i], oldIds[i], oldValues[i]);
            }
        }
    }
}

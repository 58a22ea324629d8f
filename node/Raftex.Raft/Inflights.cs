namespace Raftex.Raft;

/// <summary>
/// The last indexes of appends in flight to one follower, oldest first, in a ring buffer:
/// bounds pipelining to <see cref="RaftConfig.MaxInflightMessages"/> without allocating per message.
/// </summary>
internal sealed class Inflights(int capacity)
{
    private readonly long[] _buffer = new long[capacity];
    private int _start;

    public int Count { get; private set; }

    public bool Full => Count == _buffer.Length;

    public void Add(long lastIndex)
    {
        if (Full)
        {
            throw new InvalidOperationException("cannot add to a full inflights window");
        }

        _buffer[(_start + Count) % _buffer.Length] = lastIndex;
        Count++;
    }

    /// <summary>Frees every in-flight append whose last index is at or below index (the follower acknowledged it).</summary>
    public void FreeLE(long index)
    {
        while (Count > 0 && _buffer[_start] <= index)
        {
            _start = (_start + 1) % _buffer.Length;
            Count--;
        }

        if (Count == 0)
        {
            _start = 0;
        }
    }

    /// <summary>Frees the oldest slot: lets one more append out when acknowledgements were lost.</summary>
    public void FreeFirstOne()
    {
        if (Count > 0)
        {
            FreeLE(_buffer[_start]);
        }
    }

    public void Reset()
    {
        Count = 0;
        _start = 0;
    }
}

namespace Raftex.Simulation;

/// <summary>The discrete-event agenda: events ordered by simulated time, ties broken by insertion order.</summary>
/// <remarks>The sequence number makes the order total, so the run never depends on the heap's internal layout.</remarks>
public sealed class EventQueue<T>
{
    private readonly PriorityQueue<T, (long Time, long Seq)> _queue = new();
    private long _seq;

    /// <summary>Current simulated time in microseconds (the time of the last event taken).</summary>
    public long Now { get; private set; }

    public int Count => _queue.Count;

    /// <summary>Schedules an event at an absolute time, never in the past.</summary>
    public void At(long time, T item)
    {
        if (time < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(time), $"event at {time} is before now ({Now})");
        }

        _queue.Enqueue(item, (time, _seq++));
    }

    /// <summary>Schedules an event after a delay from now.</summary>
    public void After(long delay, T item) => At(Now + Math.Max(0, delay), item);

    /// <summary>Takes the earliest event if it is due at or before the limit, advancing the clock to it.</summary>
    public bool TryTake(long limit, out T item)
    {
        if (_queue.TryPeek(out item!, out var key) && key.Time <= limit)
        {
            _queue.Dequeue();
            Now = key.Time;
            return true;
        }

        item = default!;
        return false;
    }

    /// <summary>Moves the clock forward to a time with no events before it.</summary>
    public void AdvanceTo(long time)
    {
        if (time > Now)
        {
            Now = time;
        }
    }
}

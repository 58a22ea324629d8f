namespace Raftex.Controllers;

/// <summary>
/// A work queue of keys in the client-go shape: a key added while it waits is queued once; a key is handed to
/// one worker at a time (re-added while processing, it runs again after <see cref="Done"/>); failed keys come
/// back after a per-key exponential back-off; <see cref="AddAfter"/> schedules a key for later.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    // One lock guards every collection below. Invariants (checked in tests through behaviour):
    //   a key is in _queue at most once, and only if it is in _dirty and not in _processing;
    //   a key in _processing is never in _queue.
    private readonly Lock _lock = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly LinkedList<TaskCompletionSource<TKey>> _waiters = new();
    private readonly Dictionary<TKey, (DateTimeOffset Due, ITimer Timer)> _delayed = [];
    private readonly TimeProvider _time;
    private bool _shuttingDown;

    /// <summary>Creates a queue whose failed keys back off per <paramref name="backoff"/>.</summary>
    public WorkQueue(KeyedBackoff<TKey> backoff, TimeProvider? time = null)
    {
        Backoff = backoff ?? throw new ArgumentNullException(nameof(backoff));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The per-key back-off used by <see cref="AddRateLimited"/>.</summary>
    public KeyedBackoff<TKey> Backoff { get; }

    /// <summary>Keys waiting for a worker (not counting those scheduled for later or being processed).</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys scheduled by <see cref="AddAfter"/> whose time has not come yet.</summary>
    public int Scheduled
    {
        get
        {
            lock (_lock)
            {
                return _delayed.Count;
            }
        }
    }

    /// <summary>True once <see cref="ShutDown"/> was called.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> now, unless it is already waiting.</summary>
    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (_shuttingDown || !_dirty.Add(key))
            {
                return;
            }

            // A key being processed is only marked dirty; Done re-queues it, so no second worker gets it.
            if (!_processing.Contains(key))
            {
                EnqueueLocked(key);
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/>; an earlier pending schedule for the same key wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (_delayed.TryGetValue(key, out var pending))
            {
                if (pending.Due <= due)
                {
                    return;
                }

                pending.Timer.Dispose();
            }

            // The timer callback runs outside the lock; it re-checks that it is still the current schedule.
            ITimer? timer = null;
            timer = _time.CreateTimer(_ => FireDelayed(key, timer!), null, delay, Timeout.InfiniteTimeSpan);
            _delayed[key] = (due, timer);
        }
    }

    /// <summary>Queues <paramref name="key"/> after its per-key back-off (which grows with each call until <see cref="Forget"/>).</summary>
    public void AddRateLimited(TKey key) => AddAfter(key, Backoff.When(key));

    /// <summary>Resets the back-off of <paramref name="key"/> after it succeeded.</summary>
    public void Forget(TKey key) => Backoff.Forget(key);

    /// <summary>Waits for the next key and marks it as processing; returns false once the queue is shut down and drained.</summary>
    public async Task<(bool Ok, TKey Key)> TryTakeAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<TKey> waiter;
        LinkedListNode<TaskCompletionSource<TKey>> node;
        lock (_lock)
        {
            if (_queue.Count > 0)
            {
                return (true, TakeLocked());
            }

            if (_shuttingDown)
            {
                return (false, default!);
            }

            waiter = new TaskCompletionSource<TKey>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        // A waiter is completed under the lock with a key already moved to _processing, so if the result
        // wins the race with cancellation the caller still receives (and must finish) that key.
        using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                }
            }

            waiter.TrySetCanceled(cancellationToken);
        });
        try
        {
            return (true, await waiter.Task.ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Shut down while waiting (see ShutDown): no key was taken.
            return (false, default!);
        }
    }

    /// <summary>Marks <paramref name="key"/> as finished; if it was added again meanwhile it is queued now.</summary>
    public void Done(TKey key)
    {
        lock (_lock)
        {
            if (!_processing.Remove(key))
            {
                throw new InvalidOperationException($"Done({key}) called for a key that is not being processed.");
            }

            if (_dirty.Contains(key) && !_shuttingDown)
            {
                EnqueueLocked(key);
            }
        }
    }

    /// <summary>Stops accepting keys, cancels pending schedules and releases idle workers; keys already queued are still handed out.</summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<TKey>> waiters;
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            foreach (var (_, pending) in _delayed)
            {
                pending.Timer.Dispose();
            }

            _delayed.Clear();
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetCanceled();
        }
    }

    /// <inheritdoc />
    public void Dispose() => ShutDown();

    private void FireDelayed(TKey key, ITimer timer)
    {
        lock (_lock)
        {
            if (!_delayed.TryGetValue(key, out var pending) || !ReferenceEquals(pending.Timer, timer))
            {
                return;
            }

            _delayed.Remove(key);
        }

        timer.Dispose();
        Add(key);
    }

    private void EnqueueLocked(TKey key)
    {
        // Hand the key straight to a waiting worker when there is one; otherwise it waits in the queue.
        while (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _dirty.Remove(key);
            _processing.Add(key);
            if (first.Value.TrySetResult(key))
            {
                return;
            }

            // The waiter was cancelled between registration and now; undo and try the next one.
            _processing.Remove(key);
            _dirty.Add(key);
        }

        _queue.Enqueue(key);
    }

    private TKey TakeLocked()
    {
        var key = _queue.Dequeue();
        _dirty.Remove(key);
        _processing.Add(key);
        return key;
    }
}

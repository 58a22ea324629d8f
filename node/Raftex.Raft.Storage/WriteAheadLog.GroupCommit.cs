namespace Raftex.Raft.Storage;

public sealed partial class WriteAheadLog
{
    private const int MaxPooledWaiters = 4096;

    private readonly object _queueLock = new();
    private readonly Stack<AppendWaiter> _waiterPool = new();
    private List<AppendWaiter> _queue = [];
    private List<AppendWaiter> _draining = [];
    private bool _flusherActive;
    private bool _closing;
    private long _appendCount;

    /// <summary>Async appends completed (durably written or refused) since open.</summary>
    public long AppendCount => Interlocked.Read(ref _appendCount);

    /// <summary>
    /// Queues a hard state and entries and completes once they are durable. One background flusher takes
    /// everything queued, writes it in queue order, fsyncs once and completes every waiter (group commit).
    /// The list must not change until the returned task completes. Cancellation is honoured only before the
    /// append is queued; a queued append is written regardless.
    /// </summary>
    /// <returns>A task that faults with <see cref="ArgumentException"/> if this append was invalid (others in the batch are unaffected), or with the I/O error if the batch could not be made durable.</returns>
    public ValueTask AppendAsync(HardState? hardState, IReadOnlyList<Entry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        var waiter = RentWaiter();
        waiter.Prepare(hardState, entries);
        return Enqueue(waiter);
    }

    /// <summary>Queues one entry and completes once it is durable; see <see cref="AppendAsync(HardState?, IReadOnlyList{Entry}, CancellationToken)"/>.</summary>
    public ValueTask AppendAsync(Entry entry, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        var waiter = RentWaiter();
        waiter.Prepare(entry);
        return Enqueue(waiter);
    }

    internal void ReturnWaiter(AppendWaiter waiter)
    {
        lock (_queueLock)
        {
            if (_waiterPool.Count < MaxPooledWaiters)
            {
                _waiterPool.Push(waiter);
            }
        }
    }

    private AppendWaiter RentWaiter()
    {
        lock (_queueLock)
        {
            return _waiterPool.Count > 0 ? _waiterPool.Pop() : new AppendWaiter(this);
        }
    }

    private ValueTask Enqueue(AppendWaiter waiter)
    {
        bool startFlusher;
        lock (_queueLock)
        {
            if (_closing || _failure is not null)
            {
                ReturnUnused(waiter);
                ThrowIfUnusable();
                throw new ObjectDisposedException(nameof(WriteAheadLog));
            }

            var version = waiter.Version;
            _queue.Add(waiter);
            startFlusher = !_flusherActive;
            _flusherActive = true;
            if (startFlusher)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static log => log.FlushQueued(), this, preferLocal: false);
            }

            return new ValueTask(waiter, version);
        }
    }

    private void ReturnUnused(AppendWaiter waiter)
    {
        waiter.Prepare(null, []);
        if (_waiterPool.Count < MaxPooledWaiters)
        {
            _waiterPool.Push(waiter);
        }
    }

    /// <summary>
    /// The flusher: while anything is queued, swap the queue out, write it all, fsync once, complete the waiters.
    /// Producers that arrive during the fsync land in the other list and form the next batch, which is what
    /// makes the batches grow with load.
    /// </summary>
    private void FlushQueued()
    {
        while (true)
        {
            List<AppendWaiter> batch;
            lock (_queueLock)
            {
                if (_queue.Count == 0)
                {
                    _flusherActive = false;
                    Monitor.PulseAll(_queueLock);
                    return;
                }

                batch = _queue;
                _queue = _draining;
                _draining = batch;
            }

            Exception? failure = null;
            lock (_writeLock)
            {
                try
                {
                    ThrowIfUnusable();
                    foreach (var waiter in batch)
                    {
                        try
                        {
                            Validate(waiter.HardState, waiter.Entries);
                        }
                        catch (ArgumentException e)
                        {
                            waiter.Rejection = e;
                            continue;
                        }

                        Guard(() => Append(waiter.HardState, waiter.Entries));
                    }

                    Guard(SyncLocked);
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }

            Interlocked.Add(ref _appendCount, batch.Count);
            foreach (var waiter in batch)
            {
                // Read before completing: completion may hand the waiter straight back to the pool.
                var error = waiter.Rejection ?? failure;
                waiter.Complete(error);
            }

            batch.Clear();
        }
    }

    /// <summary>Stops new async appends and waits for the flusher to finish what is queued.</summary>
    private void DrainAsyncAppends()
    {
        lock (_queueLock)
        {
            _closing = true;
            while (_flusherActive)
            {
                Monitor.Wait(_queueLock);
            }
        }
    }
}

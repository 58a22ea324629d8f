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

        return Enqueue(hardState, entries, default, single: false);
    }

    /// <summary>Queues one entry and completes once it is durable; see <see cref="AppendAsync(HardState?, IReadOnlyList{Entry}, CancellationToken)"/>.</summary>
    public ValueTask AppendAsync(Entry entry, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return Enqueue(null, [], entry, single: true);
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

    private ValueTask Enqueue(HardState? hardState, IReadOnlyList<Entry> entries, Entry entry, bool single)
    {
        bool startFlusher;
        lock (_queueLock)
        {
            if (_closing || _failure is not null)
            {
                ThrowIfUnusable();
                throw new ObjectDisposedException(nameof(WriteAheadLog));
            }

            var waiter = _waiterPool.Count > 0 ? _waiterPool.Pop() : new AppendWaiter(this);
            if (single)
            {
                waiter.Prepare(entry);
            }
            else
            {
                waiter.Prepare(hardState, entries);
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

                        Append(waiter.HardState, waiter.Entries);
                    }

                    SyncLocked();
                }
                catch (Exception e)
                {
                    // Validation failures were caught per waiter above; anything here is I/O (or a closed log)
                    // and fails the whole batch, since none of it is known to be durable.
                    Poison(e);
                    failure = _failure;
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

    /// <summary>
    /// Test hook: holds the write lock on the calling thread until disposed, so appends queue up behind it and
    /// batching can be asserted without depending on timing. Must be released on the same thread.
    /// </summary>
    internal WriteHold HoldWrites()
    {
        Monitor.Enter(_writeLock);
        return new WriteHold(_writeLock);
    }

    internal readonly struct WriteHold(object gate) : IDisposable
    {
        public void Dispose() => Monitor.Exit(gate);
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

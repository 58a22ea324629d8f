using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Raftex.Controllers;

/// <summary>
/// Runs a reconciler for one primary kind: events of the primary kind (except status-only updates) and of owned
/// kinds (mapped to their owner) queue a key; N workers take keys, never two on the same key; results decide
/// whether a key is forgotten, requeued after a delay, or retried with per-key exponential back-off.
/// </summary>
public sealed class Controller<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Informer<T> _informer;
    private readonly IReconciler _reconciler;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ObjectKey, T> _tombstones = new();
    private readonly List<Func<CancellationToken, Task>> _syncWaits = [];
    private IDeletionHandler<T>? _deletionHandler;
    private IFinalizer<T>? _finalizer;
    private IResourceClient<T>? _client;
    private WorkQueue<ObjectKey>? _queue;
    private int _running;

    /// <summary>Creates a controller for <paramref name="kind"/> whose primary objects come from <paramref name="informer"/>.</summary>
    public Controller(string kind, Informer<T> informer, IReconciler reconciler, ControllerOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        Kind = kind;
        _informer = informer ?? throw new ArgumentNullException(nameof(informer));
        _reconciler = reconciler ?? throw new ArgumentNullException(nameof(reconciler));
        _options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Workers, 1);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _syncWaits.Add(informer.WaitForSyncAsync);
        informer.Subscribe(OnPrimaryEvent);
    }

    /// <summary>The primary kind (a metrics label).</summary>
    public string Kind { get; }

    /// <summary>The work queue of the current run, or null when not running.</summary>
    public WorkQueue<ObjectKey>? Queue => Volatile.Read(ref _queue);

    /// <summary>Calls <paramref name="handler"/> once for each primary object that disappears.</summary>
    public Controller<T> WithDeletionHandler(IDeletionHandler<T> handler)
    {
        _deletionHandler = handler ?? throw new ArgumentNullException(nameof(handler));
        return this;
    }

    /// <summary>Adds <paramref name="finalizer"/>'s name to every live primary object and runs it before the object may go.</summary>
    public Controller<T> WithFinalizer(IFinalizer<T> finalizer, IResourceClient<T> client)
    {
        _finalizer = finalizer ?? throw new ArgumentNullException(nameof(finalizer));
        ArgumentException.ThrowIfNullOrEmpty(finalizer.Name);
        _client = client ?? throw new ArgumentNullException(nameof(client));
        return this;
    }

    /// <summary>Maps events of an owned kind to the key of the owner named in their ownerReferences (by owner kind).</summary>
    public Controller<T> Owns<TChild>(Informer<TChild> children, string ownerKind)
        where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerKind);
        return Watches(children, child => OwnerKeys(child, ownerKind));
    }

    /// <summary>Maps events of any kind to primary keys with <paramref name="map"/>.</summary>
    public Controller<T> Watches<TOther>(Informer<TOther> other, Func<TOther, IEnumerable<ObjectKey>> map)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(map);
        _syncWaits.Add(other.WaitForSyncAsync);
        other.Subscribe(e =>
        {
            if (Queue is not { } queue)
            {
                return;
            }

            foreach (var key in map(e.New))
            {
                queue.Add(key);
            }

            if (e.Old is not null)
            {
                foreach (var key in map(e.Old))
                {
                    queue.Add(key);
                }
            }
        });
        return this;
    }

    /// <summary>The keys of the owners of kind <paramref name="ownerKind"/> named by <paramref name="child"/>.</summary>
    public static IEnumerable<ObjectKey> OwnerKeys(IKubernetesObject<V1ObjectMeta> child, string ownerKind)
    {
        ArgumentNullException.ThrowIfNull(child);
        foreach (var owner in child.Metadata?.OwnerReferences ?? [])
        {
            if (string.Equals(owner.Kind, ownerKind, StringComparison.Ordinal) && !string.IsNullOrEmpty(owner.Name))
            {
                yield return new ObjectKey(child.Metadata!.NamespaceProperty ?? string.Empty, owner.Name);
            }
        }
    }

    /// <summary>
    /// Waits for the informers to sync, queues every cached primary key, and runs the workers until
    /// <paramref name="cancellationToken"/> is cancelled (shutdown or lost leadership); then drains the workers.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"Controller {Kind} is already running.");
        }

        using var queue = new WorkQueue<ObjectKey>(new KeyedBackoff<ObjectKey>(_options.BackoffBase, _options.BackoffMax), _time);
        using var depth = OperatorMetrics.RegisterQueue(Kind, () => queue.Depth);
        try
        {
            foreach (var wait in _syncWaits)
            {
                await wait(cancellationToken).ConfigureAwait(false);
            }

            // A fresh run (first start, or leadership regained) looks at every object once: events that came
            // while another replica led, or while we were stopped, were not queued anywhere.
            Volatile.Write(ref _queue, queue);
            foreach (var obj in _informer.Cache.List())
            {
                queue.Add(ObjectKey.Of(obj));
            }

            _logger.LogInformation("Controller {Kind} started with {Workers} workers", Kind, _options.Workers);
            var workers = new Task[_options.Workers];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => WorkAsync(queue, cancellationToken), CancellationToken.None);
            }

            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected: shutdown or lost leadership.
            }

            queue.ShutDown();
            await Task.WhenAll(workers).ConfigureAwait(false);
            _logger.LogInformation("Controller {Kind} stopped", Kind);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled while waiting for the informers to sync.
        }
        finally
        {
            Volatile.Write(ref _queue, null);
            Volatile.Write(ref _running, 0);
        }
    }

    private void OnPrimaryEvent(InformerEvent<T> e)
    {
        var key = ObjectKey.Of(e.New);
        if (e.Type == InformerEventType.Deleted && _deletionHandler is not null)
        {
            _tombstones[key] = e.New;
        }

        if (ReconcileTrigger.IsRelevant(e))
        {
            Queue?.Add(key);
        }
    }

    private async Task WorkAsync(WorkQueue<ObjectKey> queue, CancellationToken cancellationToken)
    {
        while (true)
        {
            bool ok;
            ObjectKey key;
            try
            {
                (ok, key) = await queue.TryTakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!ok)
            {
                return;
            }

            var started = _time.GetTimestamp();
            ReconcileResult result;
            try
            {
                result = await ProcessAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                queue.Done(key);
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Reconcile of {Kind} {Key} failed", Kind, key);
                result = ReconcileResult.Error(e.Message.Length == 0 ? e.GetType().Name : e.Message);
            }

            var seconds = _time.GetElapsedTime(started).TotalSeconds;
            switch (result.Outcome)
            {
                case ReconcileOutcome.Done:
                    queue.Forget(key);
                    OperatorMetrics.RecordReconcile(Kind, "done", seconds);
                    break;
                case ReconcileOutcome.RequeueAfter:
                    queue.Forget(key);
                    queue.AddAfter(key, result.Delay);
                    OperatorMetrics.RecordReconcile(Kind, "requeue", seconds);
                    break;
                default:
                    _logger.LogInformation("Reconcile of {Kind} {Key} returned an error: {Error}", Kind, key, result.ErrorMessage);
                    queue.AddRateLimited(key);
                    OperatorMetrics.RecordReconcile(Kind, "error", seconds);
                    break;
            }

            queue.Done(key);
        }
    }

    private async Task<ReconcileResult> ProcessAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var obj = _informer.Cache.Get(key);
        if (obj is null)
        {
            if (_deletionHandler is not null && _tombstones.TryRemove(key, out var last))
            {
                var deleted = await _deletionHandler.DeletedAsync(last, cancellationToken).ConfigureAwait(false);
                if (deleted.Outcome == ReconcileOutcome.Error)
                {
                    _tombstones.TryAdd(key, last);
                }

                return deleted;
            }

            return ReconcileResult.Done;
        }

        if (_finalizer is not null)
        {
            var hasFinalizer = obj.Metadata.Finalizers?.Contains(_finalizer.Name) == true;
            if (obj.Metadata.DeletionTimestamp is not null)
            {
                if (!hasFinalizer)
                {
                    return ReconcileResult.Done;
                }

                var finalized = await _finalizer.FinalizeAsync(obj, cancellationToken).ConfigureAwait(false);
                if (finalized.Outcome != ReconcileOutcome.Done)
                {
                    return finalized;
                }

                await EditFinalizersAsync(key, add: false, cancellationToken).ConfigureAwait(false);
                return ReconcileResult.Done;
            }

            if (!hasFinalizer)
            {
                await EditFinalizersAsync(key, add: true, cancellationToken).ConfigureAwait(false);
            }
        }

        return await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
    }

    private async Task EditFinalizersAsync(ObjectKey key, bool add, CancellationToken cancellationToken)
    {
        var name = _finalizer!.Name;
        for (var attempt = 0; ; attempt++)
        {
            var fresh = await _client!.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                return;
            }

            var finalizers = fresh.Metadata.Finalizers ?? [];
            if (finalizers.Contains(name) == add)
            {
                return;
            }

            fresh.Metadata.Finalizers = add ? [.. finalizers, name] : [.. finalizers.Where(f => f != name)];
            try
            {
                await _client.ReplaceAsync(fresh, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("{Action} finalizer {Finalizer} on {Kind} {Key}", add ? "Added" : "Removed", name, Kind, key);
                return;
            }
            catch (KubernetesApiException e) when (e.IsConflict && attempt < _options.ConflictRetries)
            {
                // Someone else wrote the object between our read and write: read again and retry.
            }
        }
    }
}

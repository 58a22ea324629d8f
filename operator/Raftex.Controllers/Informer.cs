using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Raftex.Controllers;

/// <summary>
/// Keeps a <see cref="ResourceCache{T}"/> of one kind in step with the server: list, then watch from the list's
/// resourceVersion (with bookmarks); on 410 Gone re-list and emit what changed while away; on any other error
/// back off (exponential, capped, jittered) and resume from the last resourceVersion seen.
/// </summary>
public sealed class Informer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IListWatchSource<T> _source;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _handlersLock = new();
    private Action<InformerEvent<T>>[] _handlers = [];
    private string _resourceVersion = string.Empty;
    private long _watchRestarts;
    private long _lists;
    private bool _backingOff;

    /// <summary>Creates an informer for <paramref name="kind"/> (the label on its metrics and logs).</summary>
    public Informer(string kind, IListWatchSource<T> source, InformerOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        Kind = kind;
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _options = options ?? new InformerOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The kind this informer watches (a metrics label).</summary>
    public string Kind { get; }

    /// <summary>The objects seen so far.</summary>
    public ResourceCache<T> Cache { get; } = new();

    /// <summary>True once the first list has been applied to the cache.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The last resourceVersion seen (from a list, an event or a bookmark); the next watch starts there.</summary>
    public string ResourceVersion => Volatile.Read(ref _resourceVersion);

    /// <summary>How many times a watch was re-established (closed, gone or failed).</summary>
    public long WatchRestarts => Interlocked.Read(ref _watchRestarts);

    /// <summary>How many full lists were made (1 + re-lists after 410 Gone or list failures).</summary>
    public long Lists => Interlocked.Read(ref _lists);

    /// <summary>True while the informer waits out a back-off before its next list or watch.</summary>
    public bool IsBackingOff => Volatile.Read(ref _backingOff);

    /// <summary>Registers a handler called, on the informer's loop, after each cache change; keep it short (enqueue a key).</summary>
    public void Subscribe(Action<InformerEvent<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlersLock)
        {
            _handlers = [.. _handlers, handler];
        }
    }

    /// <summary>Completes once the first list has been applied to the cache.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Runs the list/watch loop until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new ExponentialBackoff(_options.InitialBackoff, _options.MaxBackoff, _options.Jitter, _options.Random);
        var needList = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            var progressed = false;
            string reason;
            try
            {
                if (needList)
                {
                    var list = await _source.ListAsync(cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _lists);
                    ApplyList(list);
                    needList = false;
                    progressed = true;
                }

                var (gone, events) = await WatchOnceAsync(cancellationToken).ConfigureAwait(false);
                progressed |= events > 0;
                needList = gone;
                reason = gone ? "gone" : "closed";
                if (gone)
                {
                    _logger.LogInformation("Watch of {Kind} expired at resourceVersion {ResourceVersion}; re-listing", Kind, ResourceVersion);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesApiException e) when (e.IsGone)
            {
                _logger.LogInformation("Watch of {Kind} expired at resourceVersion {ResourceVersion}; re-listing", Kind, ResourceVersion);
                needList = true;
                reason = "gone";
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "List or watch of {Kind} failed; retrying", Kind);
                reason = "error";
            }

            Interlocked.Increment(ref _watchRestarts);
            OperatorMetrics.RecordWatchRestart(Kind, reason);

            // A watch that delivered something proves the connection works: resume at once. One that failed or
            // closed empty-handed waits, so a server that keeps refusing us is not hammered.
            if (progressed)
            {
                backoff.Reset();
                continue;
            }

            try
            {
                // The timer exists before the flag is raised, so a test that sees the flag can move its clock past it.
                var delay = Task.Delay(backoff.Next(), _time, cancellationToken);
                Volatile.Write(ref _backingOff, true);
                await delay.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                Volatile.Write(ref _backingOff, false);
            }
        }
    }

    private async Task<(bool Gone, int Events)> WatchOnceAsync(CancellationToken cancellationToken)
    {
        var events = 0;
        await foreach (var e in _source.WatchAsync(ResourceVersion, cancellationToken).ConfigureAwait(false))
        {
            switch (e.Type)
            {
                case WatchEventType.Error:
                    var code = e.Status?.Code ?? 0;
                    if (code == (int)HttpStatusCode.Gone)
                    {
                        return (true, events);
                    }

                    throw new KubernetesApiException((HttpStatusCode)(code == 0 ? 500 : code), e.Status?.Message ?? "watch error event");
                case WatchEventType.Bookmark:
                    SetResourceVersion(e.Object?.Metadata?.ResourceVersion);
                    break;
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    ApplyUpsert(Require(e));
                    break;
                case WatchEventType.Deleted:
                    ApplyDelete(Require(e));
                    break;
                default:
                    throw new KubernetesApiException(HttpStatusCode.InternalServerError, $"unknown watch event type {e.Type}");
            }

            events++;
        }

        return (false, events);
    }

    private static T Require(WatchEvent<T> e) =>
        e.Object?.Metadata?.Name is not null ? e.Object : throw new KubernetesApiException(HttpStatusCode.InternalServerError, $"{e.Type} watch event without an object name");

    private void ApplyList(ResourceList<T> list)
    {
        // The diff against the cache is what turns a re-list after 410 into the adds, updates and deletes that
        // happened while we were away; handlers never see the re-list as such.
        var seen = new HashSet<ObjectKey>();
        foreach (var item in list.Items)
        {
            var key = ObjectKey.Of(item);
            seen.Add(key);
            var old = Cache.Get(key);
            if (old is not null && old.Metadata.ResourceVersion == item.Metadata.ResourceVersion)
            {
                continue;
            }

            Cache.Upsert(item);
            Emit(new InformerEvent<T>(old is null ? InformerEventType.Added : InformerEventType.Updated, old, item));
        }

        foreach (var cached in Cache.List())
        {
            var key = ObjectKey.Of(cached);
            if (!seen.Contains(key) && Cache.Remove(key) is { } removed)
            {
                Emit(new InformerEvent<T>(InformerEventType.Deleted, removed, removed));
            }
        }

        SetResourceVersion(list.ResourceVersion);
        _synced.TrySetResult();
    }

    private void ApplyUpsert(T obj)
    {
        var old = Cache.Upsert(obj);
        SetResourceVersion(obj.Metadata.ResourceVersion);
        if (old is not null && old.Metadata.ResourceVersion == obj.Metadata.ResourceVersion)
        {
            return;
        }

        Emit(new InformerEvent<T>(old is null ? InformerEventType.Added : InformerEventType.Updated, old, obj));
    }

    private void ApplyDelete(T obj)
    {
        var old = Cache.Remove(ObjectKey.Of(obj));
        SetResourceVersion(obj.Metadata.ResourceVersion);
        if (old is not null)
        {
            Emit(new InformerEvent<T>(InformerEventType.Deleted, old, obj));
        }
    }

    private void SetResourceVersion(string? resourceVersion)
    {
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            Volatile.Write(ref _resourceVersion, resourceVersion);
        }
    }

    private void Emit(InformerEvent<T> e)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(e);
            }
            catch (Exception ex)
            {
                // One broken subscriber must not stop the cache from following the server.
                _logger.LogError(ex, "Handler for {Kind} event failed", Kind);
            }
        }
    }
}

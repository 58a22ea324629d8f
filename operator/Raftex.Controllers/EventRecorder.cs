using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Raftex.Controllers;

/// <summary>
/// Records core/v1 Events about objects. A repeat of the same (object, type, reason, message) updates the first
/// event's count and lastTimestamp instead of creating another, as kubectl describe expects. Recording is best
/// effort: a failed write is logged, never thrown, so an event can never fail a reconcile.
/// </summary>
public sealed class EventRecorder
{
    private const int MaxMessageLength = 1024;
    private const int MaxRemembered = 4096;

    private readonly IEventSink _sink;
    private readonly string _component;
    private readonly string _instance;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Object, EventType Type, string Reason, string Message), Corev1Event> _recent = [];
    private long _sequence;

    /// <summary>Creates a recorder that signs events as <paramref name="component"/> (e.g. "raftex-operator") from <paramref name="instance"/>.</summary>
    public EventRecorder(IEventSink sink, string component, string? instance = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        ArgumentException.ThrowIfNullOrEmpty(component);
        _component = component;
        _instance = instance ?? Environment.MachineName;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Records an event about <paramref name="involved"/>; returns the event as written, or null if the write failed.</summary>
    public async Task<Corev1Event?> RecordAsync(IKubernetesObject<V1ObjectMeta> involved, EventType type, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(involved);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(message);
        var meta = involved.Metadata ?? throw new ArgumentException("The involved object has no metadata.", nameof(involved));
        ArgumentException.ThrowIfNullOrEmpty(meta.Name, "involved.Metadata.Name");
        if (message.Length > MaxMessageLength)
        {
            message = message[..(MaxMessageLength - 3)] + "...";
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var key = (meta.Uid ?? $"{involved.Kind}/{meta.NamespaceProperty}/{meta.Name}", type, reason, message);
        Corev1Event? previous;
        lock (_lock)
        {
            _recent.TryGetValue(key, out previous);
        }

        try
        {
            Corev1Event written;
            if (previous is not null)
            {
                var repeat = previous with { Count = (previous.Count ?? 1) + 1, LastTimestamp = now };
                try
                {
                    written = await _sink.ReplaceAsync(repeat, cancellationToken).ConfigureAwait(false);
                }
                catch (KubernetesApiException e) when (e.IsNotFound || e.IsConflict)
                {
                    // Expired by the server's event TTL, or changed under us: start a fresh series.
                    written = await _sink.CreateAsync(NewEvent(involved, meta, type, reason, message, now), cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                written = await _sink.CreateAsync(NewEvent(involved, meta, type, reason, message, now), cancellationToken).ConfigureAwait(false);
            }

            lock (_lock)
            {
                if (_recent.Count >= MaxRemembered && !_recent.ContainsKey(key))
                {
                    // Forgetting only costs a new event instead of a count bump; a bound keeps memory flat.
                    _recent.Clear();
                }

                _recent[key] = written;
            }

            return written;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Could not record event {Reason} for {Kind} {Namespace}/{Name}", reason, involved.Kind, meta.NamespaceProperty, meta.Name);
            return null;
        }
    }

    private Corev1Event NewEvent(IKubernetesObject<V1ObjectMeta> involved, V1ObjectMeta meta, EventType type, string reason, string message, DateTime now)
    {
        var ns = string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty;
        var unique = ((now.Ticks << 8) + (Interlocked.Increment(ref _sequence) & 0xff)).ToString("x", CultureInfo.InvariantCulture);
        return new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta { Name = $"{meta.Name}.{unique}", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = involved.ApiVersion,
                Kind = involved.Kind,
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
            },
            Type = type.ToString(),
            Reason = reason,
            Message = message,
            Count = 1,
            FirstTimestamp = now,
            LastTimestamp = now,
            Source = new V1EventSource { Component = _component, Host = _instance },
            ReportingComponent = _component,
            ReportingInstance = _instance,
        };
    }
}

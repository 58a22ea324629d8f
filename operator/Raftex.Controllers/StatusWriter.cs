using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Raftex.Controllers;

/// <summary>
/// Writes status through the status subresource: applies a mutation to a copy, sets status.observedGeneration,
/// skips writes that change nothing, rate-limits writes that change only volatile fields, and on a 409 conflict
/// re-reads the object and applies the mutation again.
/// </summary>
public sealed class StatusWriter<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceClient<T> _client;
    private readonly StatusWriterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, DateTimeOffset> _lastWrite = [];

    /// <summary>Creates a writer for one kind.</summary>
    public StatusWriter(IResourceClient<T> client, StatusWriterOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? new StatusWriterOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of <paramref name="current"/> (never to the cached instance) and
    /// writes the resulting status if it is worth writing. On conflict the mutation runs again on a fresh read, so
    /// it must be a function of the object it is given.
    /// </summary>
    public async Task<StatusWriteResult<T>> WriteAsync(T current, Action<T> mutate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(mutate);
        var key = ObjectKey.Of(current);
        var observed = current;
        for (var attempt = 0; ; attempt++)
        {
            var before = JsonNode.Parse(KubernetesJson.Serialize(observed))!.AsObject();
            var desired = KubernetesJson.Deserialize<T>(before.ToJsonString());
            mutate(desired);
            var after = JsonNode.Parse(KubernetesJson.Serialize(desired))!.AsObject();
            // The generation the caller reconciled, not that of a fresher read: after a conflict the spec may have
            // moved on, and claiming to have observed it would hide that the new spec was never acted on.
            if (after["status"] is JsonObject status && current.Metadata.Generation is { } generation)
            {
                status["observedGeneration"] = generation;
            }

            var oldStatus = before["status"];
            var newStatus = after["status"];
            if (JsonNode.DeepEquals(oldStatus, newStatus))
            {
                return new StatusWriteResult<T>(StatusWriteOutcome.Unchanged, observed, TimeSpan.Zero);
            }

            var now = _time.GetUtcNow();
            if (JsonNode.DeepEquals(WithoutVolatile(oldStatus), WithoutVolatile(newStatus)))
            {
                lock (_lock)
                {
                    if (_lastWrite.TryGetValue(key, out var last) && now - last < _options.VolatileInterval)
                    {
                        return new StatusWriteResult<T>(StatusWriteOutcome.Throttled, observed, _options.VolatileInterval - (now - last));
                    }
                }
            }

            try
            {
                var written = await _client.ReplaceStatusAsync(KubernetesJson.Deserialize<T>(after.ToJsonString()), cancellationToken).ConfigureAwait(false);
                lock (_lock)
                {
                    _lastWrite[key] = now;
                }

                return new StatusWriteResult<T>(StatusWriteOutcome.Written, written, TimeSpan.Zero);
            }
            catch (KubernetesApiException e) when (e.IsConflict && attempt < _options.ConflictRetries)
            {
                _logger.LogDebug("Status write of {Key} conflicted; re-reading (attempt {Attempt})", key, attempt + 1);
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
                Forget(key);
                return new StatusWriteResult<T>(StatusWriteOutcome.NotFound, null, TimeSpan.Zero);
            }

            var fresh = await _client.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                Forget(key);
                return new StatusWriteResult<T>(StatusWriteOutcome.NotFound, null, TimeSpan.Zero);
            }

            observed = fresh;
        }
    }

    private void Forget(ObjectKey key)
    {
        lock (_lock)
        {
            _lastWrite.Remove(key);
        }
    }

    private JsonNode? WithoutVolatile(JsonNode? node)
    {
        if (node is null || _options.VolatileFields.Count == 0)
        {
            return node;
        }

        var copy = node.DeepClone();
        Strip(copy);
        return copy;
    }

    private void Strip(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).Where(_options.VolatileFields.Contains).ToList())
                {
                    obj.Remove(name);
                }

                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Strip(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Strip(child);
                    }
                }

                break;
        }
    }
}

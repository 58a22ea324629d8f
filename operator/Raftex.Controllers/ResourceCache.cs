using k8s;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>
/// A thread-safe cache of one kind by namespace/name, fed by an informer, with indexes by owner UID and by label.
/// Readers get the informer's object instances: treat them as read-only (clone before changing).
/// </summary>
public sealed class ResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, T> _items = [];
    private readonly Dictionary<string, HashSet<ObjectKey>> _byOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Key, string Value), HashSet<ObjectKey>> _byLabel = [];

    /// <summary>How many objects are cached.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>The cached object with <paramref name="key"/>, or null.</summary>
    public T? Get(ObjectKey key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    /// <summary>Every cached object (a snapshot).</summary>
    public IReadOnlyList<T> List()
    {
        lock (_lock)
        {
            return [.. _items.Values];
        }
    }

    /// <summary>Every cached object whose ownerReferences name <paramref name="ownerUid"/>.</summary>
    public IReadOnlyList<T> ListByOwner(string ownerUid)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerUid);
        lock (_lock)
        {
            return _byOwner.TryGetValue(ownerUid, out var keys) ? [.. keys.Select(k => _items[k])] : [];
        }
    }

    /// <summary>Every cached object carrying the label <paramref name="key"/>=<paramref name="value"/>.</summary>
    public IReadOnlyList<T> ListByLabel(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            return _byLabel.TryGetValue((key, value), out var keys) ? [.. keys.Select(k => _items[k])] : [];
        }
    }

    /// <summary>Stores <paramref name="obj"/> and returns the object it replaced, if any.</summary>
    internal T? Upsert(T obj)
    {
        var key = ObjectKey.Of(obj);
        lock (_lock)
        {
            var old = _items.GetValueOrDefault(key);
            if (old is not null)
            {
                Unindex(key, old);
            }

            _items[key] = obj;
            Index(key, obj);
            return old;
        }
    }

    /// <summary>Removes the object with <paramref name="key"/> and returns it, if it was cached.</summary>
    internal T? Remove(ObjectKey key)
    {
        lock (_lock)
        {
            if (!_items.Remove(key, out var old))
            {
                return null;
            }

            Unindex(key, old);
            return old;
        }
    }

    private static IEnumerable<string> OwnerUids(T obj) =>
        obj.Metadata.OwnerReferences?.Select(o => o.Uid).Where(uid => !string.IsNullOrEmpty(uid)).Distinct(StringComparer.Ordinal)
        ?? [];

    private void Index(ObjectKey key, T obj)
    {
        foreach (var uid in OwnerUids(obj))
        {
            if (!_byOwner.TryGetValue(uid, out var set))
            {
                _byOwner[uid] = set = [];
            }

            set.Add(key);
        }

        foreach (var (k, v) in obj.Metadata.Labels ?? new Dictionary<string, string>())
        {
            if (!_byLabel.TryGetValue((k, v ?? string.Empty), out var set))
            {
                _byLabel[(k, v ?? string.Empty)] = set = [];
            }

            set.Add(key);
        }
    }

    private void Unindex(ObjectKey key, T obj)
    {
        foreach (var uid in OwnerUids(obj))
        {
            if (_byOwner.TryGetValue(uid, out var set) && set.Remove(key) && set.Count == 0)
            {
                _byOwner.Remove(uid);
            }
        }

        foreach (var (k, v) in obj.Metadata.Labels ?? new Dictionary<string, string>())
        {
            if (_byLabel.TryGetValue((k, v ?? string.Empty), out var set) && set.Remove(key) && set.Count == 0)
            {
                _byLabel.Remove((k, v ?? string.Empty));
            }
        }
    }
}

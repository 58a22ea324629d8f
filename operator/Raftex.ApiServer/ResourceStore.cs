using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>
/// The in-memory stand-in for etcd plus the watch cache: objects by group/resource/namespace/name, one global
/// resourceVersion counter, a bounded window of past events for watch replay, and the open watchers.
/// Every member must be called with <see cref="Sync"/> held; one lock keeps writes and event delivery in order.
/// </summary>
internal sealed class ResourceStore(int historyLimit)
{
    private readonly Dictionary<GroupResource, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly LinkedList<StoredEvent> _history = new();
    private readonly List<Watcher> _watchers = [];

    public Lock Sync { get; } = new();

    /// <summary>The last resourceVersion handed out.</summary>
    public long ResourceVersion { get; private set; }

    /// <summary>Events at or below this resourceVersion are gone from the window: watching from before it answers 410 Gone.</summary>
    public long CompactedThrough { get; private set; }

    private static string Key(string ns, string name) => ns + "/" + name;

    public JsonObject? Get(GroupResource gr, string ns, string name) =>
        _objects.TryGetValue(gr, out var byKey) && byKey.TryGetValue(Key(ns, name), out var obj) ? obj : null;

    public IEnumerable<JsonObject> List(GroupResource gr, string? ns)
    {
        if (!_objects.TryGetValue(gr, out var byKey))
        {
            return [];
        }

        return ns is null ? byKey.Values.ToList() : byKey.Values.Where(o => JsonPaths.Namespace(o) == ns).ToList();
    }

    public IEnumerable<(GroupResource Resource, JsonObject Object)> All() =>
        _objects.SelectMany(p => p.Value.Values.Select(o => (p.Key, o))).ToList();

    /// <summary>Stores obj (a fresh tree nobody else holds) at the next resourceVersion and records the event.</summary>
    public JsonObject Write(GroupResource gr, JsonObject obj, string eventType, JsonObject? previous)
    {
        Materialize(obj);
        var rv = ++ResourceVersion;
        JsonPaths.Metadata(obj)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!_objects.TryGetValue(gr, out var byKey))
        {
            byKey = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[gr] = byKey;
        }

        byKey[Key(JsonPaths.Namespace(obj), JsonPaths.Name(obj))] = obj;
        Record(new StoredEvent(rv, eventType, gr, JsonPaths.Namespace(obj), obj, previous));
        return obj;
    }

    /// <summary>Removes the object; the DELETED event carries its last state at a new resourceVersion, as etcd's delete revision.</summary>
    public JsonObject Remove(GroupResource gr, JsonObject current)
    {
        var ns = JsonPaths.Namespace(current);
        _objects[gr].Remove(Key(ns, JsonPaths.Name(current)));
        var rv = ++ResourceVersion;
        var final = current.DeepClone().AsObject();
        JsonPaths.Metadata(final)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Record(new StoredEvent(rv, "DELETED", gr, ns, final, current));
        return final;
    }

    /// <summary>
    /// Parsed JSON nodes build their children lazily on first access, which is not thread-safe. Stored objects are read
    /// outside the lock (responses, watch streams), so every node is built here, once, before anyone can share it.
    /// </summary>
    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    Materialize(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Materialize(child);
                }

                break;
        }
    }

    private void Record(StoredEvent e)
    {
        _history.AddLast(e);
        while (_history.Count > historyLimit)
        {
            CompactedThrough = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var w in _watchers)
        {
            if (w.Wants(e))
            {
                w.Push(e);
            }
        }
    }

    /// <summary>Registers a watcher and returns the events it must replay first (after fromRv); null fromRv replays nothing.</summary>
    public List<StoredEvent>? Subscribe(Watcher watcher, long? fromRv)
    {
        if (fromRv is { } rv && rv < CompactedThrough)
        {
            return null;
        }

        var replay = new List<StoredEvent>();
        if (fromRv is { } from)
        {
            foreach (var e in _history)
            {
                if (e.ResourceVersion > from && watcher.Wants(e))
                {
                    replay.Add(e);
                }
            }
        }

        _watchers.Add(watcher);
        return replay;
    }

    public void Unsubscribe(Watcher watcher) => _watchers.Remove(watcher);

    public int WatcherCount => _watchers.Count;

    /// <summary>Queues a BOOKMARK at the current resourceVersion behind every event already queued for this watcher.</summary>
    public void Bookmark(Watcher watcher)
    {
        if (_watchers.Contains(watcher))
        {
            watcher.Push(new StoredEvent(ResourceVersion, "BOOKMARK", watcher.Resource, "", null, null));
        }
    }

    public int CloseWatchers()
    {
        var n = _watchers.Count;
        foreach (var w in _watchers)
        {
            w.Close();
        }

        _watchers.Clear();
        return n;
    }

    /// <summary>What a restarted apiserver's watch cache looks like: the data survives, the event window starts at the current revision.</summary>
    public void ForgetHistory()
    {
        _history.Clear();
        CompactedThrough = ResourceVersion;
    }

    /// <summary>Empties the store but keeps the counter going, so resourceVersions clients hold never match new objects.</summary>
    public void Wipe()
    {
        _objects.Clear();
        ForgetHistory();
    }
}

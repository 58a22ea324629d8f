using k8s;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>One event from a watch: the object (for ADDED/MODIFIED/DELETED/BOOKMARK) or the status (for ERROR).</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, V1Status? Status = null)
    where T : class;

using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>Decides which primary-object changes are worth a reconcile.</summary>
public static class ReconcileTrigger
{
    private static readonly ConcurrentDictionary<Type, bool> HasStatus = new();

    /// <summary>
    /// True unless the update changed only the status: for a kind with a status and a metadata.generation, an
    /// update with the same generation and the same labels, annotations, finalizers and deletionTimestamp is
    /// the controller's own status write (or another status writer) and must not loop back into a reconcile.
    /// Kinds without status or generation (ConfigMap, Secret) reconcile on every change.
    /// </summary>
    public static bool IsRelevant<T>(InformerEvent<T> e)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Type != InformerEventType.Updated || e.Old is null)
        {
            return true;
        }

        var before = e.Old.Metadata;
        var after = e.New.Metadata;
        if (!HasStatus.GetOrAdd(typeof(T), t => t.GetProperty("Status") is not null) || before.Generation is null || after.Generation is null)
        {
            return true;
        }

        return before.Generation != after.Generation
            || before.DeletionTimestamp != after.DeletionTimestamp
            || !SameMap(before.Labels, after.Labels)
            || !SameMap(before.Annotations, after.Annotations)
            || !SameList(before.Finalizers, after.Finalizers);
    }

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        if (a is null || b is null)
        {
            return true;
        }

        foreach (var (k, v) in a)
        {
            if (!b.TryGetValue(k, out var w) || !string.Equals(v, w, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameList(IList<string>? a, IList<string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || b is null || a.SequenceEqual(b, StringComparer.Ordinal));
}

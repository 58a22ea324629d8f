using k8s;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>The identity of a namespaced object in caches and work queues: namespace and name.</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    /// <summary>The key of an object, from its metadata.</summary>
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj.Metadata ?? throw new ArgumentException("The object has no metadata.", nameof(obj));
        if (string.IsNullOrEmpty(meta.Name))
        {
            throw new ArgumentException("The object has no metadata.name.", nameof(obj));
        }

        return new ObjectKey(meta.NamespaceProperty ?? string.Empty, meta.Name);
    }

    /// <summary>Parses "namespace/name" (or "name" for a cluster-scoped object).</summary>
    public static ObjectKey Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return new ObjectKey(string.Empty, text);
        }

        if (slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0)
        {
            throw new FormatException($"'{text}' is not a key of the form namespace/name.");
        }

        return new ObjectKey(text[..slash], text[(slash + 1)..]);
    }

    /// <inheritdoc />
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}

using System.Reflection;
using k8s;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>The REST path of a kind, read from its [KubernetesEntity] attribute (built-in models and custom resources alike).</summary>
public sealed record ResourcePath(string Group, string Version, string Plural, string Kind)
{
    /// <summary>"v1" or "group/version", as written in apiVersion.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The path of the kind's collection in <paramref name="namespace"/> (null: across all namespaces).</summary>
    public string Collection(string? @namespace)
    {
        var root = Group.Length == 0 ? $"api/{Version}" : $"apis/{Group}/{Version}";
        return string.IsNullOrEmpty(@namespace)
            ? $"{root}/{Plural}"
            : $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}";
    }

    /// <summary>The path of one object.</summary>
    public string Item(ObjectKey key) => $"{Collection(key.Namespace)}/{Uri.EscapeDataString(key.Name)}";

    /// <summary>The path for <typeparamref name="T"/>; a precise error if the type lacks the attribute.</summary>
    public static ResourcePath Of<T>()
        where T : IKubernetesObject
    {
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{typeof(T).Name} has no [KubernetesEntity] attribute, so its REST path is unknown.");
        if (string.IsNullOrEmpty(entity.ApiVersion) || string.IsNullOrEmpty(entity.PluralName) || string.IsNullOrEmpty(entity.Kind))
        {
            throw new ArgumentException($"[KubernetesEntity] on {typeof(T).Name} must set Kind, ApiVersion and PluralName.");
        }

        return new ResourcePath(entity.Group ?? string.Empty, entity.ApiVersion, entity.PluralName, entity.Kind);
    }
}

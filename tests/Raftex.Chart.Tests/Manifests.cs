using System.Reflection;
using k8s;
using k8s.Models;

namespace Raftex.Chart.Tests;

/// <summary>
/// Loads rendered manifests with KubernetesClient's strict YAML loader: every document must name a known kind and
/// hold only that kind's fields. Known kinds: the built-in models, the prometheus-operator kinds the chart renders,
/// and every custom resource type (a class with Group/Version/KindName constants) in the Raftex assemblies beside the tests.
/// </summary>
internal static class Manifests
{
    public static readonly IReadOnlyDictionary<string, Type> Types = BuildTypeMap();

    /// <summary>The typed objects of every document in <paramref name="yaml"/>; throws on an unknown kind or field.</summary>
    public static List<object> Load(string yaml) => KubernetesYaml.LoadAllFromString(yaml, Types.ToDictionary(), strict: true);

    public static IEnumerable<T> OfKind<T>(string yaml) => Load(yaml).OfType<T>();

    private static Dictionary<string, Type> BuildTypeMap()
    {
        var map = new Dictionary<string, Type>(StringComparer.Ordinal);
        var builtins = typeof(V1Pod).Assembly.GetTypes().Concat(typeof(Manifests).Assembly.GetTypes());
        foreach (var type in builtins)
        {
            if (type.GetCustomAttribute<KubernetesEntityAttribute>() is { } e)
            {
                map.TryAdd(Key(e.Group, e.ApiVersion, e.Kind), type);
            }
        }

        foreach (var type in CustomResourceTypes())
        {
            map[Key(Constant(type, "Group"), Constant(type, "Version"), Constant(type, "KindName"))] = type;
        }

        return map;
    }

    /// <summary>The Raftex custom resource types: by convention they carry Group, Version and KindName constants.</summary>
    public static IEnumerable<Type> CustomResourceTypes()
    {
        var dlls = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => Path.GetFileName(f).StartsWith("Raftex.", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("raftex-", StringComparison.Ordinal));
        foreach (var dll in dlls)
        {
            foreach (var type in Assembly.LoadFrom(dll).GetExportedTypes())
            {
                if (typeof(IKubernetesObject<V1ObjectMeta>).IsAssignableFrom(type) && type.GetField("KindName") is not null
                    && type.GetField("Group") is not null && type.GetField("Version") is not null)
                {
                    yield return type;
                }
            }
        }
    }

    private static string Constant(Type type, string name) => (string)type.GetField(name)!.GetValue(null)!;

    private static string Key(string group, string version, string kind) =>
        string.IsNullOrEmpty(group) ? $"{version}/{kind}" : $"{group}/{version}/{kind}";
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.ApiServer;

namespace Raftex.Chart.Tests;

/// <summary>
/// Checks custom-resource documents offline, the way a cluster would: each must load strictly as its C# type, and the
/// embedded API server (on loopback, with every CRD of crds/ installed) must accept it under the generated OpenAPI
/// schema and store every field it sets (a field the schema does not know would be pruned silently).
/// </summary>
internal sealed class ExampleValidator : IAsyncDisposable
{
    private readonly ApiServerHost _host;
    private readonly Kubernetes _kube;
    private readonly List<V1CustomResourceDefinition> _crds;
    private int _namespaces;

    private ExampleValidator(ApiServerHost host, List<V1CustomResourceDefinition> crds)
    {
        _host = host;
        _crds = crds;
        _kube = new Kubernetes(new KubernetesClientConfiguration { Host = host.Url.ToString() });
    }

    public static async Task<ExampleValidator> StartAsync()
    {
        var host = await ApiServerHost.StartAsync(new ApiServerOptions { Port = LoopbackPorts.Reserve() });
        var crds = Manifests.GeneratedCrds();
        var validator = new ExampleValidator(host, crds);
        foreach (var crd in crds)
        {
            await validator._kube.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        }

        return validator;
    }

    /// <summary>Every problem with the documents of <paramref name="yaml"/> (empty when all pass), each prefixed by <paramref name="source"/>.</summary>
    public async Task<List<string>> ValidateAsync(string source, string yaml)
    {
        var problems = new List<string>();
        List<object> typed;
        try
        {
            typed = Manifests.Load(yaml);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException)
        {
            return [$"{source}: does not load as its type: {e.Message} {e.InnerException?.Message}"];
        }

        var docs = YamlJson.Documents(yaml);
        for (var i = 0; i < docs.Count; i++)
        {
            var doc = docs[i];
            var what = $"{source} document {i + 1} ({doc["kind"]} {doc["metadata"]?["name"]})";
            var (group, version) = SplitApiVersion((string?)doc["apiVersion"] ?? string.Empty);
            var crd = _crds.FirstOrDefault(c => c.Spec.Group == group && c.Spec.Names.Kind == (string?)doc["kind"]);
            if (crd is null)
            {
                problems.Add($"{what}: no CRD in crds/ defines {doc["apiVersion"]} {doc["kind"]}");
                continue;
            }

            if (typed[i].GetType().Namespace?.StartsWith("k8s", StringComparison.Ordinal) ?? true)
            {
                problems.Add($"{what}: no Raftex C# type for {doc["apiVersion"]} {doc["kind"]} (an IKubernetesObject whose new instance names that apiVersion and kind)");
            }

            problems.AddRange((await CreateAsync(crd, version, doc)).Select(p => $"{what}: {p}"));
        }

        return problems;
    }

    private async Task<List<string>> CreateAsync(V1CustomResourceDefinition crd, string version, JsonObject doc)
    {
        var ns = "example-" + (++_namespaces).ToString(CultureInfo.InvariantCulture);
        await _kube.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var body = (JsonObject)doc.DeepClone();
        if (body["metadata"] is JsonObject meta)
        {
            meta.Remove("namespace");
        }

        try
        {
            var created = await _kube.CustomObjects.CreateNamespacedCustomObjectAsync(body, crd.Spec.Group, version, ns, crd.Spec.Names.Plural);
            var stored = JsonNode.Parse(JsonSerializer.Serialize(created))!;
            return Missing(body, stored, string.Empty);
        }
        catch (HttpOperationException e)
        {
            return [$"rejected by the API server ({(int)e.Response.StatusCode}): {e.Response.Content}"];
        }
    }

    /// <summary>Fields of <paramref name="expected"/> that <paramref name="actual"/> lacks or holds with another value.</summary>
    private static List<string> Missing(JsonNode? expected, JsonNode? actual, string path) => expected switch
    {
        JsonObject o => [.. o.SelectMany(p => actual is JsonObject a && a.ContainsKey(p.Key)
            ? Missing(p.Value, a[p.Key], $"{path}.{p.Key}")
            : [$"{path}.{p.Key} was dropped by the API server (not in the CRD schema)"])],
        JsonArray e => actual is JsonArray a && a.Count == e.Count
            ? [.. e.SelectMany((item, i) => Missing(item, a[i], $"{path}[{i}]"))]
            : [$"{path}: stored {actual?.ToJsonString()}, sent {e.ToJsonString()}"],
        JsonValue v when v.GetValueKind() is JsonValueKind.Number && actual is JsonValue n && n.GetValueKind() is JsonValueKind.Number =>
            Number(v) == Number(n) ? [] : [$"{path}: stored {n}, sent {v}"],
        _ => JsonNode.DeepEquals(expected, actual) ? [] : [$"{path}: stored {actual?.ToJsonString()}, sent {expected?.ToJsonString()}"],
    };

    private static decimal Number(JsonValue v) => decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static (string Group, string Version) SplitApiVersion(string apiVersion) =>
        apiVersion.LastIndexOf('/') is var slash and >= 0 ? (apiVersion[..slash], apiVersion[(slash + 1)..]) : (string.Empty, apiVersion);

    public async ValueTask DisposeAsync()
    {
        _kube.Dispose();
        await _host.DisposeAsync();
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace Raftex.Operator.Builders;

/// <summary>A short, stable hash of an object: its JSON with object keys sorted, so map order never changes the hash.</summary>
public static class CanonicalHash
{
    /// <summary>10 hex characters of SHA-256 over the canonical JSON of <paramref name="value"/>.</summary>
    public static string Of(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var node = JsonNode.Parse(KubernetesJson.Serialize(value));
        var canonical = Canonical(node)?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..10];
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonical).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}

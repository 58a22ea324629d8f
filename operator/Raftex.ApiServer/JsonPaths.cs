using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>Small accessors over generic JSON objects: metadata fields and simple ".a.b" paths.</summary>
internal static class JsonPaths
{
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }

        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string? MetaString(JsonObject obj, string field) =>
        obj["metadata"] is JsonObject m && m[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? (string?)v : null;

    public static string Name(JsonObject obj) => MetaString(obj, "name") ?? "";

    public static string Namespace(JsonObject obj) => MetaString(obj, "namespace") ?? "";

    public static string Uid(JsonObject obj) => MetaString(obj, "uid") ?? "";

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject l)
        {
            foreach (var (k, v) in l)
            {
                labels[k] = v?.ToString() ?? "";
            }
        }

        return labels;
    }

    public static List<string> Finalizers(JsonObject obj) =>
        obj["metadata"]?["finalizers"] is JsonArray a ? a.Select(x => x?.ToString() ?? "").ToList() : [];

    /// <summary>Reads ".spec.replicas"-style paths (the form CRD scale subresources and printer columns use).</summary>
    public static JsonNode? Get(JsonNode? node, string path)
    {
        foreach (var part in path.TrimStart('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node;
    }

    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.TrimStart('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
        var cur = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (cur[parts[i]] is not JsonObject next)
            {
                next = new JsonObject();
                cur[parts[i]] = next;
            }

            cur = next;
        }

        cur[parts[^1]] = value;
    }

    public static long? Int(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static string Render(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "\"" + (string)v! + "\"",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

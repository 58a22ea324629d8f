using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>
/// Evaluates the JSONPath subset printer columns use: ".a.b", "[n]", "[*]" and "[?(@.field==\"value\")]" filters,
/// returning every match (a column shows them comma-separated).
/// </summary>
internal static class JsonPathColumn
{
    public static List<JsonNode> Evaluate(JsonNode root, string path)
    {
        var current = new List<JsonNode> { root };
        var p = path.Trim().Trim('{', '}');
        var i = 0;
        while (i < p.Length && current.Count > 0)
        {
            if (p[i] == '.')
            {
                var end = i + 1;
                while (end < p.Length && p[end] is not ('.' or '['))
                {
                    end++;
                }

                var field = p[(i + 1)..end];
                i = end;
                if (field.Length == 0)
                {
                    continue;
                }

                current = current.Select(n => n is JsonObject o ? o[field] : null).OfType<JsonNode>().ToList();
            }
            else if (p[i] == '[')
            {
                var end = p.IndexOf(']', i);
                if (end < 0)
                {
                    return [];
                }

                // A filter's value may itself hold ']' only inside quotes; the column paths in use do not.
                var inner = p[(i + 1)..end];
                i = end + 1;
                current = Select(current, inner);
            }
            else
            {
                return [];
            }
        }

        return current;
    }

    private static List<JsonNode> Select(List<JsonNode> nodes, string inner)
    {
        var arrays = nodes.OfType<JsonArray>().ToList();
        if (inner == "*")
        {
            return arrays.SelectMany(a => a).OfType<JsonNode>().ToList();
        }

        if (int.TryParse(inner, out var index))
        {
            return arrays.Select(a => index >= 0 && index < a.Count ? a[index] : null).OfType<JsonNode>().ToList();
        }

        if (inner.StartsWith("?(@.", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            var condition = inner[4..^1];
            var eq = condition.IndexOf("==", StringComparison.Ordinal);
            if (eq < 0)
            {
                return [];
            }

            var fieldPath = "." + condition[..eq].Trim();
            var expected = condition[(eq + 2)..].Trim().Trim('"', '\'');
            return arrays.SelectMany(a => a).OfType<JsonNode>()
                .Where(element => Evaluate(element, fieldPath).Any(v => v.ToString() == expected))
                .ToList();
        }

        return [];
    }
}

using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>A field selector (=, ==, != joined by commas) over the fields the apiserver indexes: metadata.name, metadata.namespace, and per-kind fields such as status.phase and spec.nodeName for pods.</summary>
internal sealed class FieldSelector
{
    private static readonly HashSet<string> s_podFields = ["status.phase", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP"];
    private readonly List<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(List<(string, bool, string)> terms) => _terms = terms;

    public static readonly FieldSelector Everything = new([]);

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var t = raw.Trim();
            string field, value;
            bool equal;
            var ne = t.IndexOf("!=", StringComparison.Ordinal);
            if (ne > 0)
            {
                (field, equal, value) = (t[..ne], false, t[(ne + 2)..]);
            }
            else
            {
                var eq = t.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw ApiError.BadRequest($"invalid selector: '{text}'; can't understand '{t}'");
                }

                var skip = t.Length > eq + 1 && t[eq + 1] == '=' ? 2 : 1;
                (field, equal, value) = (t[..eq], true, t[(eq + skip)..]);
            }

            field = field.Trim();
            var supported = field is "metadata.name" or "metadata.namespace"
                || (type.GroupResource == ResourceRegistry.Pods && s_podFields.Contains(field))
                || (type.Plural == "events" && field.StartsWith("involvedObject.", StringComparison.Ordinal))
                || (type.Plural is "secrets" && field == "type");
            if (!supported)
            {
                throw ApiError.BadRequest($"field label not supported: {field}");
            }

            terms.Add((field, equal, value.Trim()));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = JsonPaths.Get(obj, field)?.ToString() ?? "";
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}

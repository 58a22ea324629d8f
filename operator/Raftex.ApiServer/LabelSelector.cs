using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>A parsed label selector: the query-string grammar (=, ==, !=, in, notin, key, !key) or a metav1.LabelSelector object.</summary>
internal sealed class LabelSelector
{
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static readonly LabelSelector Everything = new([]);

    /// <summary>A selector that matches nothing (a null metav1.LabelSelector in a PDB selects no pods).</summary>
    public static readonly LabelSelector Nothing = new([new Requirement("", Op.In, [])]);

    public bool IsEmpty => _requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements)
        {
            var has = labels.TryGetValue(r.Key, out var value);
            var ok = r.Operator switch
            {
                Op.In => has && r.Values.Contains(value!),
                Op.NotIn => !has || !r.Values.Contains(value!),
                Op.Exists => has,
                Op.DoesNotExist => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var term in SplitTerms(text))
        {
            var t = term.Trim();
            if (t.Length == 0)
            {
                throw ApiError.BadRequest($"unable to parse requirement: empty term in label selector \"{text}\"");
            }

            requirements.Add(ParseTerm(t, text));
        }

        return new LabelSelector(requirements);
    }

    /// <summary>Converts a metav1.LabelSelector (matchLabels + matchExpressions); null selects nothing, {} selects everything.</summary>
    public static LabelSelector FromObject(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return Nothing;
        }

        var requirements = new List<Requirement>();
        if (s["matchLabels"] is JsonObject ml)
        {
            foreach (var (k, v) in ml)
            {
                requirements.Add(new Requirement(k, Op.In, [v?.ToString() ?? ""]));
            }
        }

        if (s["matchExpressions"] is JsonArray me)
        {
            foreach (var e in me)
            {
                var key = (string?)e?["key"] ?? "";
                var values = e?["values"] is JsonArray va ? va.Select(x => x?.ToString() ?? "").ToArray() : [];
                var op = (string?)e?["operator"] switch
                {
                    "In" => Op.In,
                    "NotIn" => Op.NotIn,
                    "Exists" => Op.Exists,
                    "DoesNotExist" => Op.DoesNotExist,
                    var other => throw ApiError.BadRequest($"\"{other}\" is not a valid label selector operator"),
                };
                requirements.Add(new Requirement(key, op, values));
            }
        }

        return new LabelSelector(requirements);
    }

    /// <summary>The query-string form of a metav1.LabelSelector (what the scale subresource reports in status.selector).</summary>
    public static string Format(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return "";
        }

        var parts = new List<string>();
        if (s["matchLabels"] is JsonObject ml)
        {
            parts.AddRange(ml.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        }

        if (s["matchExpressions"] is JsonArray me)
        {
            foreach (var e in me)
            {
                var key = (string?)e?["key"];
                var values = e?["values"] is JsonArray va ? string.Join(",", va.Select(x => x?.ToString())) : "";
                parts.Add((string?)e?["operator"] switch
                {
                    "In" => $"{key} in ({values})",
                    "NotIn" => $"{key} notin ({values})",
                    "Exists" => key!,
                    _ => "!" + key,
                });
            }
        }

        return string.Join(",", parts);
    }

    private static IEnumerable<string> SplitTerms(string text)
    {
        // Commas separate terms except inside the parentheses of an in/notin value set.
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')')
            {
                depth--;
            }
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseTerm(string t, string whole)
    {
        if (t.StartsWith('!'))
        {
            return new Requirement(CheckKey(t[1..].Trim(), whole), Op.DoesNotExist, []);
        }

        var paren = t.IndexOf('(', StringComparison.Ordinal);
        if (paren > 0)
        {
            var head = t[..paren].Trim();
            var close = t.LastIndexOf(')');
            if (close < paren)
            {
                throw ApiError.BadRequest($"unable to parse requirement: missing ')' in label selector \"{whole}\"");
            }

            var values = t[(paren + 1)..close].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
            var words = head.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 2 && words[1] is "in" or "notin")
            {
                return new Requirement(CheckKey(words[0], whole), words[1] == "in" ? Op.In : Op.NotIn, values);
            }

            throw ApiError.BadRequest($"unable to parse requirement: expected 'in' or 'notin' in label selector \"{whole}\"");
        }

        foreach (var (token, op) in new[] { ("!=", Op.NotIn), ("==", Op.In), ("=", Op.In) })
        {
            var at = t.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                return new Requirement(CheckKey(t[..at].Trim(), whole), op, [t[(at + token.Length)..].Trim()]);
            }
        }

        return new Requirement(CheckKey(t, whole), Op.Exists, []);
    }

    private static string CheckKey(string key, string whole)
    {
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '=' or '!' or '(' or ')'))
        {
            throw ApiError.BadRequest($"unable to parse requirement: invalid label key \"{key}\" in label selector \"{whole}\"");
        }

        return key;
    }

    private enum Op
    {
        In,
        NotIn,
        Exists,
        DoesNotExist,
    }

    private sealed record Requirement(string Key, Op Operator, string[] Values);
}

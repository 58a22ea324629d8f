using System.Globalization;
using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>
/// The small CEL subset of x-kubernetes-validations this server evaluates: a comparison (== or !=) of two operands, or a
/// single boolean operand, where an operand is self / oldSelf with an optional .field path, has(self.field) /
/// has(oldSelf.field), or a string, integer or boolean literal. Anything else is reported as unsupported and skipped.
/// </summary>
internal sealed class ValidationRule
{
    private readonly Operand _left;
    private readonly Operand? _right;
    private readonly bool _equal;

    private ValidationRule(Operand left, Operand? right, bool equal)
    {
        _left = left;
        _right = right;
        _equal = equal;
    }

    /// <summary>A transition rule compares with the old object, so it runs only on updates where the old value exists.</summary>
    public bool IsTransition => _left.UsesOld || (_right?.UsesOld ?? false);

    public static ValidationRule? Parse(string rule)
    {
        var text = rule.Trim();
        foreach (var (op, equal) in new[] { ("==", true), ("!=", false) })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var left = Operand.Parse(text[..at]);
                var right = Operand.Parse(text[(at + 2)..]);
                return left is null || right is null ? null : new ValidationRule(left, right, equal);
            }
        }

        return Operand.Parse(text) is { } single ? new ValidationRule(single, null, true) : null;
    }

    public bool Holds(JsonNode? self, JsonNode? oldSelf)
    {
        var left = _left.Evaluate(self, oldSelf);
        if (_right is null)
        {
            return left is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        }

        return JsonNode.DeepEquals(left, _right.Evaluate(self, oldSelf)) == _equal;
    }

    private sealed record Operand(bool UsesOld, bool Has, string[] Path, JsonNode? Literal, bool IsLiteral)
    {
        public static Operand? Parse(string text)
        {
            var t = text.Trim();
            var has = false;
            if (t.StartsWith("has(", StringComparison.Ordinal) && t.EndsWith(')'))
            {
                has = true;
                t = t[4..^1].Trim();
            }

            if (!has)
            {
                if (t is "true" or "false")
                {
                    return new Operand(false, false, [], JsonValue.Create(t == "true"), true);
                }

                if (long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    return new Operand(false, false, [], JsonValue.Create(n), true);
                }

                if (t.Length >= 2 && (t[0] == '\'' || t[0] == '"') && t[^1] == t[0])
                {
                    return new Operand(false, false, [], JsonValue.Create(t[1..^1]), true);
                }
            }

            var parts = t.Split('.');
            if (parts[0] is not ("self" or "oldSelf") || parts.Skip(1).Any(p => p.Length == 0 || !p.All(c => char.IsLetterOrDigit(c) || c == '_')))
            {
                return null;
            }

            if (has && parts.Length < 2)
            {
                return null;
            }

            return new Operand(parts[0] == "oldSelf", has, parts[1..], null, false);
        }

        public JsonNode? Evaluate(JsonNode? self, JsonNode? oldSelf)
        {
            if (IsLiteral)
            {
                return Literal;
            }

            var node = UsesOld ? oldSelf : self;
            for (var i = 0; i < Path.Length; i++)
            {
                if (node is not JsonObject o || !o.ContainsKey(Path[i]))
                {
                    return Has ? JsonValue.Create(false) : null;
                }

                node = o[Path[i]];
            }

            return Has ? JsonValue.Create(true) : node;
        }
    }
}

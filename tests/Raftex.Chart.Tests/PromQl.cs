namespace Raftex.Chart.Tests;

/// <summary>
/// The metric names a PromQL expression (or a Grafana query such as <c>label_values(metric, label)</c>) reads: every
/// identifier that is not a function, keyword, label (in a matcher, a by/without/on/ignoring/group_* list) or string.
/// </summary>
internal static class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2",
        "inf", "nan", "Inf", "NaN",
    };

    private static readonly HashSet<string> LabelLists = new(StringComparer.Ordinal) { "by", "without", "on", "ignoring", "group_left", "group_right" };

    public static SortedSet<string> MetricNames(string expr)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Scan(expr, names);
        return names;
    }

    private static void Scan(string s, SortedSet<string> names)
    {
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(s, i);
            }
            else if (c is '{')
            {
                i = SkipGroup(s, i, '{', '}');
            }
            else if (c is '[')
            {
                i = SkipGroup(s, i, '[', ']');
            }
            else if (char.IsDigit(c) || c is '$' || (c is '.' && i + 1 < s.Length && char.IsDigit(s[i + 1])))
            {
                // Numbers, durations (5m) and Grafana variables ($__rate_interval): never metric names.
                i++;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '.'))
                {
                    i++;
                }
            }
            else if (char.IsLetter(c) || c is '_' or ':')
            {
                var start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or ':'))
                {
                    i++;
                }

                var word = s[start..i];
                var next = i;
                while (next < s.Length && char.IsWhiteSpace(s[next]))
                {
                    next++;
                }

                // An aggregation may put its by/without clause between its name and its argument: `sum by (x) (...)`.
                var call = next < s.Length && (s[next] == '(' || NextWordIs(s, next, "by") || NextWordIs(s, next, "without"));
                if (call && LabelLists.Contains(word))
                {
                    i = SkipGroup(s, next, '(', ')');
                }
                else if (call && word == "label_values")
                {
                    // label_values(metric, label) or label_values(label): only a first argument before a comma is a metric.
                    var end = SkipGroup(s, next, '(', ')');
                    var args = s[(next + 1)..(end - 1)];
                    var comma = TopLevelComma(args);
                    if (comma >= 0)
                    {
                        Scan(args[..comma], names);
                    }

                    i = end;
                }
                else if (!call && !Keywords.Contains(word))
                {
                    names.Add(word);
                }
            }
            else
            {
                i++;
            }
        }
    }

    private static bool NextWordIs(string s, int i, string word) =>
        string.CompareOrdinal(s, i, word, 0, word.Length) == 0
        && (i + word.Length == s.Length || !(char.IsLetterOrDigit(s[i + word.Length]) || s[i + word.Length] == '_'));

    private static int TopLevelComma(string s)
    {
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '"' or '\'' or '`':
                    i = SkipString(s, i) - 1;
                    break;
                case '(' or '{' or '[':
                    depth++;
                    break;
                case ')' or '}' or ']':
                    depth--;
                    break;
                case ',' when depth == 0:
                    return i;
            }
        }

        return -1;
    }

    private static int SkipString(string s, int i)
    {
        var quote = s[i++];
        while (i < s.Length && s[i] != quote)
        {
            i += s[i] == '\\' && quote != '`' ? 2 : 1;
        }

        return Math.Min(i + 1, s.Length);
    }

    /// <summary>The index after the bracket that closes the one at <paramref name="i"/> (strings inside are skipped).</summary>
    private static int SkipGroup(string s, int i, char open, char close)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(s, i);
                continue;
            }

            depth += c == open ? 1 : c == close ? -1 : 0;
            i++;
            if (depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"unbalanced '{open}' in: {s}");
    }
}

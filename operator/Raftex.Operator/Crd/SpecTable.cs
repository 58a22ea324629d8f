using System.Globalization;
using System.Text;
using k8s.Models;

namespace Raftex.Operator.Crd;

/// <summary>Renders a CRD schema as a Markdown table (field, type, default, constraints, description) for the README.</summary>
public static class SpecTable
{
    /// <summary>Marker lines that delimit the generated table in a README.</summary>
    public const string Begin = "<!-- BEGIN GENERATED SPEC TABLE (raftex-operator docs) -->";

    /// <summary>End marker.</summary>
    public const string End = "<!-- END GENERATED SPEC TABLE -->";

    /// <summary>The table for <paramref name="schema"/>, one row per field, nested fields with dotted paths.</summary>
    public static string Render(V1JSONSchemaProps schema, string root)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var sb = new StringBuilder();
        sb.Append("| Field | Type | Default | Constraints | Description |\n|---|---|---|---|---|\n");
        Rows(schema, root, sb);
        return sb.ToString();
    }

    /// <summary>Replaces the text between the markers in <paramref name="readme"/> with <paramref name="table"/>.</summary>
    public static string Splice(string readme, string table)
    {
        ArgumentNullException.ThrowIfNull(readme);
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"README has no '{Begin}' ... '{End}' section.");
        }

        return readme[..(start + Begin.Length)] + "\n" + table + readme[end..];
    }

    private static void Rows(V1JSONSchemaProps schema, string path, StringBuilder sb)
    {
        foreach (var (name, child) in schema.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
        {
            var field = $"{path}.{name}";
            var required = schema.Required?.Contains(name) == true ? " (required)" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"| `{field}`{required} | {TypeOf(child)} | {DefaultOf(child)} | {Constraints(child)} | {Escape(child.Description)} |\n");
            if (child.Properties is not null)
            {
                Rows(child, field, sb);
            }
            else if (child.Items is V1JSONSchemaProps { Properties: not null } items)
            {
                Rows(items, field + "[]", sb);
            }
        }
    }

    private static string TypeOf(V1JSONSchemaProps s) =>
        s.XKubernetesIntOrString == true ? "quantity"
        : s.Type == "array" && s.Items is V1JSONSchemaProps items ? $"[]{items.Type}"
        : s.Type == "object" && s.AdditionalProperties is V1JSONSchemaProps values ? $"map[string]{(values.XKubernetesIntOrString == true ? "quantity" : values.Type)}"
        : s.Format is "date-time" ? "timestamp"
        : s.Type ?? "any";

    private static string DefaultOf(V1JSONSchemaProps s) => s.DefaultProperty switch
    {
        null => string.Empty,
        IDictionary<string, object> { Count: 0 } => string.Empty,
        var v => $"`{Convert.ToString(v, CultureInfo.InvariantCulture)}`",
    };

    private static string Constraints(V1JSONSchemaProps s)
    {
        var parts = new List<string>();
        if (s.Minimum is { } min) { parts.Add(FormattableString.Invariant($"≥ {min}")); }
        if (s.Maximum is { } max) { parts.Add(FormattableString.Invariant($"≤ {max}")); }
        if (s.MinItems is { } minItems) { parts.Add($"{minItems}–{s.MaxItems?.ToString(CultureInfo.InvariantCulture) ?? "∞"} items"); }
        if (s.MinLength is { } minLength) { parts.Add($"length ≥ {minLength}"); }
        if (s.EnumProperty is { Count: > 0 } values) { parts.Add(string.Join(", ", values.Select(v => $"`{v}`"))); }
        if (s.Pattern is { } pattern && s.XKubernetesIntOrString != true) { parts.Add($"`{Escape(pattern)}`"); }
        if (s.XKubernetesValidations?.Any(v => v.Rule.Contains("oldSelf", StringComparison.Ordinal)) == true) { parts.Add("immutable"); }
        if (s.XKubernetesListType == "map") { parts.Add($"unique by {string.Join(", ", s.XKubernetesListMapKeys)}"); }
        return string.Join("; ", parts);
    }

    private static string Escape(string? text) => (text ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal);
}

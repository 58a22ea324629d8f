using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Raftex.Operator.Crd;

/// <summary>Renders a JSON document as block YAML with YamlDotNet, quoting any string YAML would read as another type.</summary>
public static partial class JsonYaml
{
    /// <summary>YAML text of <paramref name="json"/>; keys keep their JSON order, so equal input gives equal text.</summary>
    public static string Render(JsonNode json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var stream = new YamlStream(new YamlDocument(ToYaml(json)));
        using var writer = new StringWriter { NewLine = "\n" };
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlDotNet closes a document with "...": drop it, a CRD file holds one document.
        if (text.EndsWith("...\n", StringComparison.Ordinal))
        {
            text = text[..^4];
        }

        return text;
    }

    private static YamlNode ToYaml(JsonNode? node) => node switch
    {
        JsonObject obj => new YamlMappingNode(obj.Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Key), ToYaml(p.Value)))),
        JsonArray array => new YamlSequenceNode(array.Select(ToYaml)),
        JsonValue value when value.TryGetValue<string>(out var text) => StringScalar(text),
        JsonValue value => new YamlScalarNode(value.ToJsonString()) { Style = ScalarStyle.Plain },
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        _ => throw new InvalidOperationException($"Unexpected JSON node {node.GetType().Name}."),
    };

    private static YamlScalarNode StringScalar(string text) =>
        new(text) { Style = NeedsQuotes(text) ? ScalarStyle.SingleQuoted : ScalarStyle.Any };

    // A plain scalar that YAML 1.1 or 1.2 would resolve to null, a boolean or a number must be quoted to stay a string.
    private static bool NeedsQuotes(string text) => text.Length == 0 || AmbiguousPlain().IsMatch(text);

    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex AmbiguousPlain();
}

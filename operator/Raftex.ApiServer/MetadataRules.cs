using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Raftex.ApiServer;

/// <summary>The object-metadata checks every apiserver write makes: DNS-1123 names, label keys and values, annotation size.</summary>
internal static partial class MetadataRules
{
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string QualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();

    public static List<FieldError> Check(JsonObject obj, bool checkName)
    {
        var errors = new List<FieldError>();
        var name = JsonPaths.Name(obj);
        if (checkName && (name.Length > 253 || !Subdomain().IsMatch(name)))
        {
            errors.Add(FieldError.Invalid("metadata.name", $"\"{name}\"", SubdomainMessage));
        }

        if (obj["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                CheckKey("metadata.labels", key, errors);
                var text = value?.ToString() ?? "";
                if (text.Length > 63)
                {
                    errors.Add(FieldError.Invalid($"metadata.labels", $"\"{text}\"", "must be no more than 63 characters"));
                }
                else if (!LabelValue().IsMatch(text))
                {
                    errors.Add(FieldError.Invalid($"metadata.labels", $"\"{text}\"", LabelValueMessage));
                }
            }
        }

        if (obj["metadata"]?["annotations"] is JsonObject annotations)
        {
            long total = 0;
            foreach (var (key, value) in annotations)
            {
                CheckKey("metadata.annotations", key, errors);
                total += key.Length + (value?.ToString().Length ?? 0);
            }

            if (total > 256 * 1024)
            {
                errors.Add(new FieldError("FieldValueTooLong", "metadata.annotations", "Too long: must have at most 262144 bytes"));
            }
        }

        return errors;
    }

    private static void CheckKey(string field, string key, List<FieldError> errors)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var prefix = slash >= 0 ? key[..slash] : null;
        var local = slash >= 0 ? key[(slash + 1)..] : key;
        if (prefix is not null && (prefix.Length == 0 || prefix.Length > 253 || !Subdomain().IsMatch(prefix)))
        {
            errors.Add(FieldError.Invalid(field, $"\"{key}\"", "prefix part " + SubdomainMessage));
        }

        if (local.Length == 0 || local.Length > 63 || !QualifiedName().IsMatch(local))
        {
            errors.Add(FieldError.Invalid(field, $"\"{key}\"", local.Length > 63 ? "name part must be no more than 63 characters" : QualifiedNameMessage));
        }
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Raftex.ApiServer;

/// <summary>
/// What the apiserver does with a CRD's structural openAPIV3Schema on every write: prune unknown fields, apply defaults,
/// validate (type, required, enum, ranges, lengths, pattern, items) and evaluate the transition rule <c>self == oldSelf</c>.
/// </summary>
internal static class OpenApiSchema
{
    /// <summary>Prunes unknown fields and applies defaults, in that order (as the apiserver does), below the object root.</summary>
    public static void PruneAndDefault(JsonObject schema, JsonObject obj, List<string>? pruned = null)
    {
        foreach (var (key, value) in obj.ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (schema["properties"]?[key] is JsonObject propSchema)
            {
                if (value is not null)
                {
                    Walk(propSchema, value, key, pruned);
                }
            }
            else if (schema["x-kubernetes-preserve-unknown-fields"] is not JsonValue p || !(bool)p)
            {
                obj.Remove(key);
                pruned?.Add(key);
            }
        }

        ApplyPropertyDefaults(schema, obj, skipMeta: true);
    }

    private static void Walk(JsonObject schema, JsonNode node, string path, List<string>? pruned)
    {
        var preserve = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && (bool)p;
        switch (node)
        {
            case JsonObject o:
                var props = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                foreach (var (key, value) in o.ToList())
                {
                    var child = props?[key] as JsonObject ?? additional;
                    if (child is not null)
                    {
                        if (value is not null)
                        {
                            Walk(child, value, path + "." + key, pruned);
                        }
                    }
                    else if (!preserve && schema["additionalProperties"] is null)
                    {
                        o.Remove(key);
                        pruned?.Add(path + "." + key);
                    }
                }

                ApplyPropertyDefaults(schema, o, skipMeta: false);
                break;
            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } element)
                    {
                        Walk(items, element, $"{path}[{i}]", pruned);
                    }
                }

                break;
        }
    }

    private static void ApplyPropertyDefaults(JsonObject schema, JsonObject obj, bool skipMeta)
    {
        if (schema["properties"] is not JsonObject props)
        {
            return;
        }

        foreach (var (key, propSchema) in props)
        {
            if (skipMeta && key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (!obj.ContainsKey(key) && propSchema?["default"] is { } def)
            {
                var value = def.DeepClone();
                obj[key] = value;
                // A defaulted object gets its own nested defaults, as a structural default is itself defaulted.
                Walk(propSchema.AsObject(), value, key, null);
            }
        }
    }

    /// <summary>Validates obj (and, on update, the transition rules against old) and returns every field error.</summary>
    public static List<FieldError> Validate(JsonObject schema, JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var props = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray req)
        {
            foreach (var r in req)
            {
                var name = (string)r!;
                if (name is not ("apiVersion" or "kind" or "metadata") && !obj.ContainsKey(name))
                {
                    errors.Add(FieldError.Required(name));
                }
            }
        }

        if (props is not null)
        {
            foreach (var (key, propSchema) in props)
            {
                if (key is "apiVersion" or "kind" or "metadata" || propSchema is not JsonObject ps || !obj.TryGetPropertyValue(key, out var value))
                {
                    continue;
                }

                Check(ps, value, old?[key], old is not null && old.ContainsKey(key), key, errors);
            }
        }

        var root = obj.DeepClone().AsObject();
        CheckRules(schema, root, old, old is not null, "<root>", errors);
        return errors;
    }

    private static void Check(JsonObject schema, JsonNode? value, JsonNode? old, bool hasOld, string path, List<FieldError> errors)
    {
        if (value is null)
        {
            if (schema["nullable"] is not JsonValue n || !(bool)n)
            {
                errors.Add(FieldError.TypeInvalid(path, "\"null\"", (string?)schema["type"] ?? "object"));
            }

            return;
        }

        var type = (string?)schema["type"];
        var intOrString = schema["x-kubernetes-int-or-string"] is JsonValue ios && (bool)ios;
        var kind = value.GetValueKind();
        var typeOk = intOrString
            ? kind is JsonValueKind.String || IsInteger(value)
            : type switch
            {
                null => true,
                "object" => kind == JsonValueKind.Object,
                "array" => kind == JsonValueKind.Array,
                "string" => kind == JsonValueKind.String,
                "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                "integer" => IsInteger(value),
                "number" => kind == JsonValueKind.Number,
                _ => true,
            };
        if (!typeOk)
        {
            errors.Add(FieldError.TypeInvalid(path, JsonPaths.Render(value), intOrString ? "integer or string" : type!));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, JsonPaths.Render(value), allowed.Select(JsonPaths.Render)));
        }

        if (kind == JsonValueKind.Number)
        {
            var d = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
            if (Num(schema["maximum"]) is { } max && (d > max || (d == max && Flag(schema["exclusiveMaximum"]))))
            {
                var rel = Flag(schema["exclusiveMaximum"]) ? "less than" : "less than or equal to";
                errors.Add(FieldError.Invalid(path, value.ToJsonString(), $"{path} in body should be {rel} {schema["maximum"]!.ToJsonString()}"));
            }

            if (Num(schema["minimum"]) is { } min && (d < min || (d == min && Flag(schema["exclusiveMinimum"]))))
            {
                var rel = Flag(schema["exclusiveMinimum"]) ? "greater than" : "greater than or equal to";
                errors.Add(FieldError.Invalid(path, value.ToJsonString(), $"{path} in body should be {rel} {schema["minimum"]!.ToJsonString()}"));
            }
        }

        if (kind == JsonValueKind.String)
        {
            var s = (string)value!;
            if (Num(schema["maxLength"]) is { } maxLen && s.Length > maxLen)
            {
                errors.Add(new FieldError("FieldValueTooLong", path, $"Too long: may not be more than {maxLen} bytes"));
            }

            if (Num(schema["minLength"]) is { } minLen && s.Length < minLen)
            {
                errors.Add(FieldError.Invalid(path, JsonPaths.Render(value), $"{path} in body should be at least {minLen} chars long"));
            }

            if ((string?)schema["pattern"] is { } pattern && !Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                errors.Add(FieldError.Invalid(path, JsonPaths.Render(value), $"{path} in body should match '{pattern}'"));
            }
        }

        if (value is JsonArray arr)
        {
            if (Num(schema["maxItems"]) is { } maxItems && arr.Count > maxItems)
            {
                errors.Add(new FieldError("FieldValueTooMany", path, $"Too many: {arr.Count}: must have at most {maxItems} items"));
            }

            if (Num(schema["minItems"]) is { } minItems && arr.Count < minItems)
            {
                errors.Add(FieldError.Invalid(path, arr.Count.ToString(CultureInfo.InvariantCulture), $"{path} in body should have at least {minItems} items"));
            }

            CheckListType(schema, arr, path, errors);
            if (schema["items"] is JsonObject items)
            {
                for (var i = 0; i < arr.Count; i++)
                {
                    Check(items, arr[i], null, false, $"{path}[{i}]", errors);
                }
            }
        }

        if (value is JsonObject obj)
        {
            var oldObj = old as JsonObject;
            if (schema["required"] is JsonArray req)
            {
                foreach (var r in req)
                {
                    if (!obj.ContainsKey((string)r!))
                    {
                        errors.Add(FieldError.Required($"{path}.{(string)r!}"));
                    }
                }
            }

            var props = schema["properties"] as JsonObject;
            var additional = schema["additionalProperties"] as JsonObject;
            foreach (var (key, child) in obj)
            {
                var childSchema = props?[key] as JsonObject ?? additional;
                if (childSchema is not null)
                {
                    Check(childSchema, child, oldObj?[key], oldObj is not null && oldObj.ContainsKey(key), $"{path}.{key}", errors);
                }
            }
        }

        CheckRules(schema, value, old, hasOld, path, errors);
    }

    private static void CheckRules(JsonObject schema, JsonNode? value, JsonNode? old, bool hasOld, string path, List<FieldError> errors)
    {
        if (schema["x-kubernetes-validations"] is not JsonArray rules)
        {
            return;
        }

        foreach (var rule in rules)
        {
            var text = (string?)rule?["rule"] ?? "";
            if (ValidationRule.Parse(text) is not { } parsed || (parsed.IsTransition && !hasOld))
            {
                continue;
            }

            if (!parsed.Holds(value, old))
            {
                var message = (string?)rule!["message"] ?? $"failed rule: {text}";
                var shown = value is JsonObject ? "\"object\"" : value is JsonArray ? "\"array\"" : JsonPaths.Render(value);
                errors.Add(FieldError.Invalid(path, shown, message));
            }
        }
    }

    /// <summary>x-kubernetes-list-type map (unique key tuples) and set (unique values) are enforced as the apiserver does.</summary>
    private static void CheckListType(JsonObject schema, JsonArray arr, string path, List<FieldError> errors)
    {
        var listType = (string?)schema["x-kubernetes-list-type"];
        if (listType is not ("map" or "set"))
        {
            return;
        }

        var keys = listType == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray k ? k.Select(x => (string)x!).ToArray() : [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < arr.Count; i++)
        {
            var identity = listType == "set"
                ? arr[i]?.ToJsonString() ?? "null"
                : string.Join("\u0000", keys.Select(key => arr[i]?[key]?.ToJsonString() ?? "null"));
            if (!seen.Add(identity))
            {
                var shown = listType == "set" ? JsonPaths.Render(arr[i]) : "{" + string.Join(", ", keys.Select(key => $"\"{key}\":{arr[i]?[key]?.ToJsonString()}")) + "}";
                errors.Add(new FieldError("FieldValueDuplicate", $"{path}[{i}]", $"Duplicate value: {shown}"));
            }
        }
    }

    private static bool IsInteger(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.Number && long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _);

    private static double? Num(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : null;

    private static bool Flag(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.True;
}

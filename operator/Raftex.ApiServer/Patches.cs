using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>The patch formats the server accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and an approximation of strategic merge patch.</summary>
internal static class Patches
{
    /// <summary>RFC 7386: objects merge recursively, null deletes a key, anything else (arrays included) replaces.</summary>
    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Merge(result[key], value);
            }
        }

        return result;
    }

    /// <summary>
    /// Strategic merge approximated: merge-patch semantics, except that lists of objects are merged element by element on
    /// their Kubernetes merge key (name, containerPort, mountPath, type, uid...) and the $patch / $setElementOrder /
    /// $retainKeys / $deleteFromPrimitiveList directives kubectl sends are honoured or dropped.
    /// </summary>
    public static JsonNode? Strategic(JsonNode? target, JsonNode? patch, string? fieldName = null)
    {
        if (patch is JsonArray pa && target is JsonArray ta && MergeKey(fieldName, pa, ta) is { } key)
        {
            return MergeList(ta, pa, key);
        }

        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }

        if ((string?)p["$patch"] == "replace")
        {
            var replaced = p.DeepClone().AsObject();
            replaced.Remove("$patch");
            return replaced;
        }

        if ((string?)p["$patch"] == "delete")
        {
            return null;
        }

        var result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (var (k, value) in p)
        {
            if (k.StartsWith("$setElementOrder/", StringComparison.Ordinal) || k == "$retainKeys" || k == "$patch")
            {
                continue;
            }

            if (k.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = k["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray existing && value is JsonArray remove)
                {
                    var drop = remove.Select(x => x?.ToJsonString()).ToHashSet();
                    result[field] = new JsonArray(existing.Where(x => !drop.Contains(x?.ToJsonString())).Select(x => x?.DeepClone()).ToArray());
                }

                continue;
            }

            if (value is null)
            {
                result.Remove(k);
                continue;
            }

            var merged = Strategic(result[k], value, k);
            if (merged is null)
            {
                result.Remove(k);
            }
            else
            {
                result[k] = merged;
            }
        }

        return result;
    }

    private static string? MergeKey(string? fieldName, JsonArray patch, JsonArray target)
    {
        if (fieldName == "finalizers")
        {
            return "";
        }

        string[] candidates = fieldName switch
        {
            "ports" => ["containerPort", "port"],
            "volumeMounts" => ["mountPath"],
            "volumeDevices" => ["devicePath"],
            "conditions" => ["type"],
            "ownerReferences" => ["uid"],
            "env" or "containers" or "initContainers" or "ephemeralContainers" or "volumes" or "imagePullSecrets" => ["name"],
            _ => [],
        };
        foreach (var c in candidates)
        {
            if (patch.All(x => x is JsonObject o && (o.ContainsKey(c) || (string?)o["$patch"] == "delete")) && target.All(x => x is JsonObject o && o.ContainsKey(c)))
            {
                return c;
            }
        }

        return null;
    }

    private static JsonArray MergeList(JsonArray target, JsonArray patch, string key)
    {
        if (key.Length == 0)
        {
            // A primitive list with merge strategy (finalizers): union, in order.
            var union = target.Select(x => x?.DeepClone()).ToList();
            foreach (var item in patch)
            {
                if (!union.Any(u => JsonNode.DeepEquals(u, item)))
                {
                    union.Add(item?.DeepClone());
                }
            }

            return new JsonArray(union.ToArray());
        }

        var items = target.Select(x => x!.DeepClone().AsObject()).ToList();
        foreach (var node in patch)
        {
            var element = node!.AsObject();
            var id = element[key]?.ToJsonString();
            var at = items.FindIndex(i => i[key]?.ToJsonString() == id);
            if ((string?)element["$patch"] == "delete")
            {
                if (at >= 0)
                {
                    items.RemoveAt(at);
                }

                continue;
            }

            if (at >= 0)
            {
                items[at] = Strategic(items[at], element)!.AsObject();
            }
            else
            {
                items.Add(Strategic(null, element)!.AsObject());
            }
        }

        return new JsonArray(items.Select(JsonNode (i) => i).ToArray());
    }

    /// <summary>RFC 6902 JSON patch: add, remove, replace, move, copy, test.</summary>
    public static JsonNode? Apply(JsonNode? document, JsonArray operations)
    {
        var root = new JsonObject { ["r"] = document?.DeepClone() };
        foreach (var op in operations)
        {
            var name = (string?)op?["op"] ?? throw ApiError.BadRequest("json patch operation without \"op\"");
            var path = "/r" + ((string?)op!["path"] ?? throw ApiError.BadRequest($"json patch {name} without \"path\""));
            switch (name)
            {
                case "add":
                    Add(root, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, op["value"]?.DeepClone());
                    break;
                case "move":
                {
                    var from = "/r" + (string?)op["from"];
                    var value = Resolve(root, from)?.DeepClone();
                    Remove(root, from);
                    Add(root, path, value);
                    break;
                }

                case "copy":
                    Add(root, path, Resolve(root, "/r" + (string?)op["from"])?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Resolve(root, path), op["value"]))
                    {
                        throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {op["path"]} failed");
                    }

                    break;
                default:
                    throw ApiError.BadRequest($"json patch: unknown operation \"{name}\"");
            }
        }

        return root["r"];
    }

    private static string[] Tokens(string pointer) =>
        pointer.Split('/')[1..].Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();

    private static JsonNode? Resolve(JsonObject root, string pointer)
    {
        JsonNode? cur = root;
        foreach (var t in Tokens(pointer))
        {
            cur = cur switch
            {
                JsonObject o when o.ContainsKey(t) => o[t],
                JsonArray a when int.TryParse(t, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: json patch path {pointer[2..]} not found"),
            };
        }

        return cur;
    }

    private static (JsonNode Parent, string Last) Parent(JsonObject root, string pointer)
    {
        var tokens = Tokens(pointer);
        var parent = Resolve(root, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal))));
        return (parent ?? throw ApiError.BadRequest($"json patch: parent of {pointer[2..]} is null"), tokens[^1]);
    }

    private static void Add(JsonObject root, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: json patch cannot add at {pointer[2..]}");
        }
    }

    private static void Remove(JsonObject root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        var removed = parent switch
        {
            JsonObject o => o.Remove(last),
            JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count => RemoveAt(a, i),
            _ => false,
        };
        if (!removed)
        {
            throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: json patch path {pointer[2..]} not found");
        }
    }

    private static bool RemoveAt(JsonArray a, int i)
    {
        a.RemoveAt(i);
        return true;
    }
}

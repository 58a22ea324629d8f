using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>Reads apiextensions.k8s.io/v1 CRDs: validates them and derives the resource types they serve.</summary>
internal static class CustomResourceDefinitions
{
    public static List<ResourceType> ServedTypes(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var group = (string)spec["group"]!;
        var namespaced = (string?)spec["scope"] != "Cluster";
        var result = new List<ResourceType>();
        foreach (var v in spec["versions"]!.AsArray())
        {
            var version = v!.AsObject();
            if (version["served"] is JsonValue served && !(bool)served)
            {
                continue;
            }

            var subresources = version["subresources"] as JsonObject;
            ScalePaths? scale = null;
            if (subresources?["scale"] is JsonObject s)
            {
                scale = new ScalePaths((string)s["specReplicasPath"]!, (string)s["statusReplicasPath"]!, (string?)s["labelSelectorPath"]);
            }

            result.Add(new ResourceType(group, (string)version["name"]!, (string)names["plural"]!,
                (string?)names["singular"] ?? ((string)names["kind"]!).ToLowerInvariant(), (string)names["kind"]!, namespaced)
            {
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatus = subresources?["status"] is not null,
                Scale = scale,
                Schema = version["schema"]?["openAPIV3Schema"] as JsonObject,
                PrinterColumns = version["additionalPrinterColumns"] as JsonArray,
                IsCustom = true,
            });
        }

        return result;
    }

    /// <summary>The checks the apiserver makes before accepting a CRD (a subset: names, group, scope, versions).</summary>
    public static List<FieldError> Validate(JsonObject crd)
    {
        var errors = new List<FieldError>();
        if (crd["spec"] is not JsonObject spec)
        {
            errors.Add(FieldError.Required("spec"));
            return errors;
        }

        var group = (string?)spec["group"];
        var plural = (string?)spec["names"]?["plural"];
        if (string.IsNullOrEmpty(group))
        {
            errors.Add(FieldError.Required("spec.group"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            errors.Add(FieldError.Required("spec.names.plural"));
        }

        if (string.IsNullOrEmpty((string?)spec["names"]?["kind"]))
        {
            errors.Add(FieldError.Required("spec.names.kind"));
        }

        var scope = (string?)spec["scope"];
        if (scope is not ("Namespaced" or "Cluster"))
        {
            errors.Add(FieldError.NotSupported("spec.scope", $"\"{scope}\"", ["\"Cluster\"", "\"Namespaced\""]));
        }

        var name = (string?)crd["metadata"]?["name"];
        if (group is not null && plural is not null && name != plural + "." + group)
        {
            errors.Add(FieldError.Invalid("metadata.name", $"\"{name}\"", $"must be spec.names.plural+\".\"+spec.group"));
        }

        if (spec["versions"] is not JsonArray versions || versions.Count == 0)
        {
            errors.Add(FieldError.Required("spec.versions"));
        }
        else
        {
            var storage = versions.Count(v => v?["storage"] is JsonValue s && (bool)s);
            if (storage != 1)
            {
                errors.Add(FieldError.Invalid("spec.versions", $"{storage}", "must have exactly one version marked as storage version"));
            }

            for (var i = 0; i < versions.Count; i++)
            {
                if (string.IsNullOrEmpty((string?)versions[i]?["name"]))
                {
                    errors.Add(FieldError.Required($"spec.versions[{i}].name"));
                }
            }
        }

        return errors;
    }

    /// <summary>The status a real apiserver reports once a CRD is served: accepted names and Established/NamesAccepted conditions.</summary>
    public static JsonObject EstablishedStatus(JsonObject crd, string now)
    {
        var names = crd["spec"]!["names"]!.DeepClone().AsObject();
        names["singular"] ??= ((string)names["kind"]!).ToLowerInvariant();
        names["listKind"] ??= (string)names["kind"]! + "List";
        var storedVersions = new JsonArray();
        foreach (var v in crd["spec"]!["versions"]!.AsArray())
        {
            if (v?["storage"] is JsonValue s && (bool)s)
            {
                storedVersions.Add((string)v["name"]!);
            }
        }

        JsonObject Condition(string type, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = "True",
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        };

        return new JsonObject
        {
            ["acceptedNames"] = names,
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["storedVersions"] = storedVersions,
        };
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(x => (string)x!).ToArray() : [];
}

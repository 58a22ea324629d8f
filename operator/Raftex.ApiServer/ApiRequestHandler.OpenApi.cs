using System.Globalization;
using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

internal sealed partial class ApiRequestHandler
{
    /// <summary>
    /// A skeletal OpenAPI v3: the root lists every group-version; each group-version document has one PATCH operation per
    /// kind, tagged with its group-version-kind and the fieldValidation query parameter. That is what kubectl reads to
    /// decide that the server validates fields itself (so it skips client-side schema validation). No schemas are served,
    /// so kubectl builds strategic merge patches for built-ins from its own compiled-in types and merge patches for CRs.
    /// </summary>
    private JsonObject? TryOpenApi(string path)
    {
        var all = api.Registry.All();
        var groupVersions = all.Select(t => t.Group.Length == 0 ? "api/" + t.Version : $"apis/{t.Group}/{t.Version}").Distinct().ToList();
        if (path.TrimEnd('/') == "/openapi/v3")
        {
            var paths = new JsonObject();
            foreach (var gv in groupVersions)
            {
                paths[gv] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gv}?hash={Hash(gv, all)}" };
            }

            return new JsonObject { ["paths"] = paths };
        }

        const string prefix = "/openapi/v3/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var requested = path[prefix.Length..].TrimEnd('/');
        if (!groupVersions.Contains(requested))
        {
            return null;
        }

        var operations = new JsonObject();
        foreach (var t in all.Where(t => GroupVersionPath(t) == requested))
        {
            var url = "/" + requested + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural + "/{name}";
            operations[url] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = "patch" + t.Kind,
                    ["parameters"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "fieldValidation",
                        ["in"] = "query",
                        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
                    }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = options.GitVersion },
            ["paths"] = operations,
        };
    }

    private static string GroupVersionPath(ResourceType t) => t.Group.Length == 0 ? "api/" + t.Version : $"apis/{t.Group}/{t.Version}";

    /// <summary>A content hash so kubectl's cache notices when a CRD adds kinds to a group-version.</summary>
    private static string Hash(string gv, IReadOnlyList<ResourceType> all)
    {
        var key = string.Join(",", all.Where(t => GroupVersionPath(t) == gv).Select(t => t.Kind + "/" + t.Plural));
        var h = 14695981039346656037UL;
        foreach (var c in key)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h.ToString("X16", CultureInfo.InvariantCulture);
    }
}

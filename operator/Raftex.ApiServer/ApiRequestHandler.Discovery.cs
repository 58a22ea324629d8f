using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Raftex.ApiServer;

internal sealed partial class ApiRequestHandler
{
    private static readonly string[] s_subresourceVerbs = ["get", "patch", "update"];

    /// <summary>The unaggregated discovery documents (/version, /api, /apis, group and group-version resource lists).</summary>
    private JsonObject? TryDiscovery(HttpContext context, string path)
    {
        if (context.Request.Method != "GET")
        {
            return null;
        }

        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var all = api.Registry.All();
        switch (parts)
        {
            case ["version"]:
                var v = options.GitVersion.TrimStart('v').Split('.');
                return new JsonObject
                {
                    ["major"] = v[0],
                    ["minor"] = v.Length > 1 ? v[1] : "0",
                    ["gitVersion"] = options.GitVersion,
                    ["gitCommit"] = "raftex",
                    ["gitTreeState"] = "clean",
                    ["buildDate"] = "2025-01-01T00:00:00Z",
                    ["goVersion"] = "go1.23",
                    ["compiler"] = "gc",
                    ["platform"] = "linux/amd64",
                };
            case ["api"]:
                return new JsonObject
                {
                    ["kind"] = "APIVersions",
                    ["versions"] = new JsonArray("v1"),
                    ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
                    {
                        ["clientCIDR"] = "0.0.0.0/0",
                        ["serverAddress"] = context.Request.Host.Value,
                    }),
                };
            case ["apis"]:
                var groups = new JsonArray();
                foreach (var g in all.Where(t => t.Group.Length > 0).Select(t => t.Group).Distinct())
                {
                    groups.Add(GroupDocument(g, all, withKind: false));
                }

                return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
            case ["apis", var group] when all.Any(t => t.Group == group):
                return GroupDocument(group, all, withKind: true);
            case ["api", "v1"]:
                return ResourceList("", "v1", all);
            case ["apis", var group, var version] when all.Any(t => t.Group == group && t.Version == version):
                return ResourceList(group, version, all);
            default:
                return null;
        }
    }

    private static JsonObject GroupDocument(string group, IReadOnlyList<ResourceType> all, bool withKind)
    {
        var versions = all.Where(t => t.Group == group).Select(t => t.Version).Distinct().ToList();
        JsonObject Version(string v) => new() { ["groupVersion"] = group + "/" + v, ["version"] = v };
        var doc = new JsonObject();
        if (withKind)
        {
            doc["kind"] = "APIGroup";
            doc["apiVersion"] = "v1";
        }

        doc["name"] = group;
        doc["versions"] = new JsonArray(versions.Select(v => (JsonNode)Version(v)).ToArray());
        doc["preferredVersion"] = Version(versions[0]);
        return doc;
    }

    private static JsonObject ResourceList(string group, string version, IReadOnlyList<ResourceType> all)
    {
        var resources = new JsonArray();
        foreach (var t in all.Where(t => t.Group == group && t.Version == version))
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = Strings(ResourceType.StandardVerbs),
            };
            if (t.ShortNames.Count > 0)
            {
                r["shortNames"] = Strings(t.ShortNames);
            }

            if (t.Categories.Count > 0)
            {
                r["categories"] = Strings(t.Categories);
            }

            resources.Add(r);
            if (t.HasStatus)
            {
                resources.Add(Subresource(t, "status", null, null, t.Kind, s_subresourceVerbs));
            }

            if (t.Scale is not null)
            {
                resources.Add(Subresource(t, "scale", "autoscaling", "v1", "Scale", s_subresourceVerbs));
            }

            if (t.HasEviction)
            {
                resources.Add(Subresource(t, "eviction", "policy", "v1", "Eviction", ["create"]));
                resources.Add(Subresource(t, "binding", null, null, "Binding", ["create"]));
                resources.Add(Subresource(t, "log", null, null, "Pod", ["get"]));
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        };
    }

    private static JsonObject Subresource(ResourceType t, string sub, string? group, string? version, string kind, IReadOnlyList<string> verbs)
    {
        var r = new JsonObject { ["name"] = t.Plural + "/" + sub, ["singularName"] = "", ["namespaced"] = t.Namespaced };
        if (group is not null)
        {
            r["group"] = group;
            r["version"] = version;
        }

        r["kind"] = kind;
        r["verbs"] = Strings(verbs);
        return r;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}

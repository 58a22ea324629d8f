using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>Everything the server knows about one served resource: names, scope, subresources and (for custom resources) the schema.</summary>
internal sealed record ResourceType(string Group, string Version, string Plural, string Singular, string Kind, bool Namespaced)
{
    public static readonly string[] StandardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public bool HasStatus { get; init; }

    /// <summary>The scale subresource, if served: JSON paths of spec and status replicas and of the label selector string.</summary>
    public ScalePaths? Scale { get; init; }

    /// <summary>Pods: the eviction and binding subresources.</summary>
    public bool HasEviction { get; init; }

    /// <summary>openAPIV3Schema of a custom resource version; null for built-ins.</summary>
    public JsonObject? Schema { get; init; }

    public JsonArray? PrinterColumns { get; init; }

    public bool IsCustom { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    public GroupResource GroupResource => new(Group, Plural);

    /// <summary>"pods" or "statefulsets.apps": how the apiserver names a resource in messages.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : Plural + "." + Group;

    public JsonObject Details(string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (Group.Length > 0)
        {
            details["group"] = Group;
        }

        details["kind"] = Plural;
        return details;
    }
}

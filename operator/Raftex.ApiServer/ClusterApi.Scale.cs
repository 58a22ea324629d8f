using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

internal sealed partial class ClusterApi
{
    /// <summary>GET .../scale: an autoscaling/v1 Scale view of the object.</summary>
    public JsonObject GetScale(ResourceType type, string ns, string name)
    {
        lock (Store.Sync)
        {
            var obj = Store.Get(type.GroupResource, ns, name) ?? throw ApiError.NotFound(type, name);
            return ScaleOf(type, obj);
        }
    }

    /// <summary>PUT/PATCH .../scale: writes spec replicas back into the object (bumping its generation).</summary>
    public JsonObject UpdateScale(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> change, bool dryRun = false)
    {
        lock (Store.Sync)
        {
            using var _ = DryRunScope(dryRun);
            var obj = Store.Get(type.GroupResource, ns, name) ?? throw ApiError.NotFound(type, name);
            var scale = change(ScaleOf(type, obj));
            CheckPreconditions(type, obj, null, JsonPaths.MetaString(scale, "resourceVersion"));
            var replicas = JsonPaths.Int(scale["spec"]?["replicas"]);
            if (replicas is null or < 0)
            {
                throw ApiError.Invalid(type, name, [FieldError.Invalid("spec.replicas", JsonPaths.Render(scale["spec"]?["replicas"]), "must be greater than or equal to 0")]);
            }

            var next = obj.DeepClone().AsObject();
            JsonPaths.Set(next, type.Scale!.SpecReplicasPath, replicas.Value);
            var stored = UpdateChecked(type, obj, next, null);
            return ScaleOf(type, stored);
        }
    }

    private static JsonObject ScaleOf(ResourceType type, JsonObject obj)
    {
        var paths = type.Scale!;
        var selector = type.IsCustom
            ? (paths.LabelSelectorPath is { } p ? JsonPaths.Get(obj, p)?.ToString() : null)
            : LabelSelector.Format(obj["spec"]?["selector"]);
        var status = new JsonObject { ["replicas"] = JsonPaths.Int(JsonPaths.Get(obj, paths.StatusReplicasPath)) ?? 0 };
        if (!string.IsNullOrEmpty(selector))
        {
            status["selector"] = selector;
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = JsonPaths.Name(obj),
                ["namespace"] = JsonPaths.Namespace(obj),
                ["uid"] = JsonPaths.Uid(obj),
                ["resourceVersion"] = JsonPaths.MetaString(obj, "resourceVersion"),
                ["creationTimestamp"] = JsonPaths.MetaString(obj, "creationTimestamp"),
            },
            ["spec"] = new JsonObject { ["replicas"] = JsonPaths.Int(JsonPaths.Get(obj, paths.SpecReplicasPath)) ?? 0 },
            ["status"] = status,
        };
    }
}

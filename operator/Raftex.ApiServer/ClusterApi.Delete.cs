using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

internal sealed partial class ClusterApi
{
    private const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>Deletes (or starts deleting) an object; Removed is false while finalizers or a grace period keep it.</summary>
    public (JsonObject Object, bool Removed) Delete(ResourceType type, string ns, string name, DeleteRequest request, bool dryRun = false)
    {
        lock (Store.Sync)
        {
            var current = Store.Get(type.GroupResource, ns, name) ?? throw ApiError.NotFound(type, name);
            CheckPreconditions(type, current, request.PreconditionUid, request.PreconditionResourceVersion);
            if (dryRun)
            {
                return (current, true);
            }

            return DeleteChecked(type.GroupResource, current, request);
        }
    }

    /// <summary>DELETE on a collection: deletes every object the selectors match.</summary>
    public int DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, DeleteRequest request, bool dryRun = false)
    {
        lock (Store.Sync)
        {
            var victims = Store.List(type.GroupResource, ns).Where(o => labels.Matches(JsonPaths.Labels(o)) && fields.Matches(o)).ToList();
            if (dryRun)
            {
                return victims.Count;
            }

            foreach (var v in victims)
            {
                if (Store.Get(type.GroupResource, JsonPaths.Namespace(v), JsonPaths.Name(v)) is { } still)
                {
                    DeleteChecked(type.GroupResource, still, request);
                }
            }

            return victims.Count;
        }
    }

    private (JsonObject Object, bool Removed) DeleteChecked(GroupResource gr, JsonObject current, DeleteRequest request)
    {
        var policy = request.PropagationPolicy ?? "Background";
        if (policy is not ("Background" or "Foreground" or "Orphan"))
        {
            throw ApiError.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }

        var uid = JsonPaths.Uid(current);
        if (policy == "Orphan")
        {
            foreach (var (dgr, dependent) in Dependents(uid))
            {
                var next = dependent.DeepClone().AsObject();
                var refs = next["metadata"]!["ownerReferences"]!.AsArray();
                var kept = refs.Where(r => (string?)r?["uid"] != uid).Select(r => r!.DeepClone()).ToArray();
                if (kept.Length == 0)
                {
                    next["metadata"]!.AsObject().Remove("ownerReferences");
                }
                else
                {
                    next["metadata"]!["ownerReferences"] = new JsonArray(kept);
                }

                Store.Write(dgr, next, "MODIFIED", dependent);
            }
        }

        var finalizers = JsonPaths.Finalizers(current);
        var graceful = GracePeriod(gr, current, request);
        if (policy == "Foreground" && Dependents(uid).Count > 0 && !finalizers.Contains(ForegroundFinalizer))
        {
            finalizers.Add(ForegroundFinalizer);
        }

        if (finalizers.Count == 0 && graceful == 0)
        {
            return (RemoveAndCollect(gr, current), true);
        }

        var terminating = current.DeepClone().AsObject();
        var meta = JsonPaths.Metadata(terminating);
        if (meta["deletionTimestamp"] is null || graceful < (JsonPaths.Int(meta["deletionGracePeriodSeconds"]) ?? long.MaxValue))
        {
            meta["deletionTimestamp"] = JsonPaths.Timestamp(options.Clock.GetUtcNow().AddSeconds(graceful));
            meta["deletionGracePeriodSeconds"] = graceful;
        }

        if (finalizers.Count > 0)
        {
            meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray());
        }

        var stored = JsonNode.DeepEquals(terminating, current) ? current : Store.Write(gr, terminating, "MODIFIED", current);
        if (policy == "Foreground")
        {
            foreach (var (dgr, dependent) in Dependents(uid))
            {
                DeleteChecked(dgr, dependent, new DeleteRequest(null, null, "Foreground", null));
            }

            stored = Store.Get(gr, JsonPaths.Namespace(current), JsonPaths.Name(current)) ?? stored;
        }

        var removed = Store.Get(gr, JsonPaths.Namespace(current), JsonPaths.Name(current)) is null;
        AfterWrite(gr, stored);
        return (stored, removed);
    }

    /// <summary>
    /// Pods bound to a node terminate gracefully (the kubelet finishes the delete with grace 0); everything else,
    /// unscheduled pods included, goes at once as in the real apiserver.
    /// </summary>
    private static long GracePeriod(GroupResource gr, JsonObject current, DeleteRequest request)
    {
        if (gr != ResourceRegistry.Pods || string.IsNullOrEmpty((string?)current["spec"]?["nodeName"]))
        {
            return 0;
        }

        return request.GracePeriodSeconds ?? JsonPaths.Int(current["spec"]?["terminationGracePeriodSeconds"]) ?? 30;
    }

    private List<(GroupResource Resource, JsonObject Object)> Dependents(string ownerUid) =>
        Store.All().Where(x => x.Object["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => (string?)r?["uid"] == ownerUid)).ToList();

    /// <summary>Removes the object and runs the garbage collector's consequences: dependents of the removed owner go, and a foreground-deleting owner whose last dependent went is released.</summary>
    private JsonObject RemoveAndCollect(GroupResource gr, JsonObject current)
    {
        var final = Store.Remove(gr, current);
        if (gr == ResourceRegistry.Crds)
        {
            RemoveCustomResources(current);
        }

        if (gr == ResourceRegistry.Namespaces)
        {
            foreach (var (rgr, obj) in Store.All().Where(x => JsonPaths.Namespace(x.Object) == JsonPaths.Name(current)).ToList())
            {
                if (Store.Get(rgr, JsonPaths.Namespace(obj), JsonPaths.Name(obj)) is not null)
                {
                    Store.Remove(rgr, obj);
                }
            }
        }

        var uid = JsonPaths.Uid(current);
        foreach (var (dgr, dependent) in Dependents(uid))
        {
            var owners = dependent["metadata"]!["ownerReferences"]!.AsArray().Select(r => (string?)r?["uid"]).ToHashSet();
            var liveOwner = Store.All().Any(x => owners.Contains(JsonPaths.Uid(x.Object)));
            if (!liveOwner && Store.Get(dgr, JsonPaths.Namespace(dependent), JsonPaths.Name(dependent)) is { } still && still["metadata"]?["deletionTimestamp"] is null)
            {
                DeleteChecked(dgr, still, DeleteRequest.Default);
            }
        }

        if (current["metadata"]?["ownerReferences"] is JsonArray ownerRefs)
        {
            foreach (var ownerUid in ownerRefs.Select(r => (string?)r?["uid"]).ToList())
            {
                ReleaseForegroundOwner(ownerUid);
            }
        }

        AfterWrite(gr, final);
        return final;
    }

    /// <summary>
    /// The garbage collector deletes a dependent none of whose owners exist — also one created after its owner went
    /// (a controller acting on a stale list), which would otherwise live on, orphaned, forever.
    /// </summary>
    private void CollectIfOrphaned(GroupResource gr, JsonObject obj)
    {
        if (obj["metadata"]?["ownerReferences"] is not JsonArray { Count: > 0 } refs)
        {
            return;
        }

        var owners = refs.Select(r => (string?)r?["uid"]).ToHashSet();
        if (!Store.All().Any(x => owners.Contains(JsonPaths.Uid(x.Object))))
        {
            DeleteChecked(gr, obj, DeleteRequest.Default);
        }
    }

    private void ReleaseForegroundOwner(string? ownerUid)
    {
        if (ownerUid is null || Dependents(ownerUid).Count > 0)
        {
            return;
        }

        var (ogr, owner) = Store.All().FirstOrDefault(x => JsonPaths.Uid(x.Object) == ownerUid);
        if (owner is null || owner["metadata"]?["deletionTimestamp"] is null || !JsonPaths.Finalizers(owner).Contains(ForegroundFinalizer))
        {
            return;
        }

        var next = owner.DeepClone().AsObject();
        var rest = JsonPaths.Finalizers(owner).Where(f => f != ForegroundFinalizer).ToList();
        if (rest.Count == 0)
        {
            next["metadata"]!.AsObject().Remove("finalizers");
        }
        else
        {
            next["metadata"]!["finalizers"] = new JsonArray(rest.Select(f => (JsonNode)f).ToArray());
        }

        var stored = Store.Write(ogr, next, "MODIFIED", owner);
        if (rest.Count == 0)
        {
            RemoveAndCollect(ogr, stored);
        }
    }

    private void RemoveCustomResources(JsonObject crd)
    {
        registry.Apply(JsonPaths.Name(crd), null);
        var gr = new GroupResource((string)crd["spec"]!["group"]!, (string)crd["spec"]!["names"]!["plural"]!);
        foreach (var obj in Store.List(gr, null).ToList())
        {
            Store.Remove(gr, obj);
        }
    }
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>
/// The API semantics over the store: create/get/list/update/patch/delete with resourceVersion and UID preconditions,
/// generation, status subresource isolation, CRD registration, schema defaults and validation, finalizers,
/// owner-reference garbage collection and PodDisruptionBudget-guarded eviction. Each public call holds the store lock
/// for its whole duration, so a request and all the writes it causes are one atomic step in resourceVersion order.
/// </summary>
internal sealed partial class ClusterApi(ResourceStore store, ResourceRegistry registry, ApiServerOptions options)
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public ResourceStore Store { get; } = store;

    public ResourceRegistry Registry => registry;

    /// <summary>Set for the duration of a dryRun=All call (always under the store lock): the request is evaluated, nothing is written.</summary>
    private bool _dryRun;

    private DryRun DryRunScope(bool dryRun)
    {
        var previous = _dryRun;
        _dryRun |= dryRun;
        return new DryRun(this, previous);
    }

    private readonly struct DryRun(ClusterApi api, bool previous) : IDisposable
    {
        public void Dispose() => api._dryRun = previous;
    }

    private string Now() => JsonPaths.Timestamp(options.Clock.GetUtcNow());

    public JsonObject Get(ResourceType type, string ns, string name)
    {
        lock (Store.Sync)
        {
            return Store.Get(type.GroupResource, ns, name) ?? throw ApiError.NotFound(type, name);
        }
    }

    /// <summary>The matching objects and the resourceVersion of the list.</summary>
    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        lock (Store.Sync)
        {
            var items = Store.List(type.GroupResource, ns).Where(o => labels.Matches(JsonPaths.Labels(o)) && fields.Matches(o)).ToList();
            return (items, Store.ResourceVersion);
        }
    }

    public JsonObject Create(ResourceType type, string ns, JsonObject body, bool strict = false, bool dryRun = false)
    {
        lock (Store.Sync)
        {
            CheckKind(type, body);
            var obj = body.DeepClone().AsObject();
            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            var meta = JsonPaths.Metadata(obj);
            if (type.Namespaced)
            {
                var bodyNs = JsonPaths.Namespace(obj);
                if (bodyNs.Length > 0 && bodyNs != ns)
                {
                    throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }

                meta["namespace"] = ns;
                if (options.RequireNamespace && Store.Get(ResourceRegistry.Namespaces, "", ns) is null)
                {
                    var nsType = registry.FindAnyVersion(ResourceRegistry.Namespaces)!;
                    throw ApiError.NotFound(nsType, ns);
                }
            }
            else
            {
                meta.Remove("namespace");
            }

            if (JsonPaths.MetaString(obj, "resourceVersion") is { Length: > 0 })
            {
                throw ApiError.BadRequest("resourceVersion should not be set on objects to be created");
            }

            var name = JsonPaths.Name(obj);
            if (name.Length == 0)
            {
                var prefix = JsonPaths.MetaString(obj, "generateName");
                if (string.IsNullOrEmpty(prefix))
                {
                    throw ApiError.Invalid(type, "", [new FieldError("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")]);
                }

                name = prefix + RandomSuffix();
                meta["name"] = name;
            }

            var metaErrors = MetadataRules.Check(obj, checkName: true);
            if (metaErrors.Count > 0)
            {
                throw ApiError.Invalid(type, name, metaErrors);
            }

            if (Store.Get(type.GroupResource, ns, name) is not null)
            {
                throw ApiError.AlreadyExists(type, name);
            }

            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta["generation"] = 1;
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            meta.Remove("managedFields");
            if (type.HasStatus)
            {
                obj.Remove("status");
            }

            BuiltinDefaults.Apply(type, obj);
            if (type.GroupResource == ResourceRegistry.Crds)
            {
                var errors = CustomResourceDefinitions.Validate(obj);
                if (errors.Count > 0)
                {
                    throw ApiError.Invalid(type, name, errors);
                }

                obj["status"] = CustomResourceDefinitions.EstablishedStatus(obj, Now());
            }

            ValidateCustom(type, obj, null, strict);
            if (dryRun || _dryRun)
            {
                return obj;
            }

            var stored = Store.Write(type.GroupResource, obj, "ADDED", null);
            AfterWrite(type.GroupResource, stored);
            CollectIfOrphaned(type.GroupResource, stored);
            return stored;
        }
    }

    /// <summary>PUT of the main resource (subresource null) or of /status.</summary>
    public JsonObject Update(ResourceType type, string ns, string name, JsonObject body, string? subresource, bool strict = false, bool dryRun = false)
    {
        lock (Store.Sync)
        {
            using var _ = DryRunScope(dryRun);
            var current = Store.Get(type.GroupResource, ns, name) ?? throw ApiError.NotFound(type, name);
            CheckKind(type, body);
            if (JsonPaths.Name(body) is { Length: > 0 } bodyName && bodyName != name)
            {
                throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            CheckPreconditions(type, current, JsonPaths.Uid(body), JsonPaths.MetaString(body, "resourceVersion"));
            return UpdateChecked(type, current, body, subresource, strict);
        }
    }

    /// <summary>PATCH: the patched object then goes through the update path; a resourceVersion inside the patch is a precondition.</summary>
    public JsonObject Patch(ResourceType type, string ns, string name, string contentType, JsonNode patch, string? subresource, bool strict = false, bool dryRun = false)
    {
        lock (Store.Sync)
        {
            using var _ = DryRunScope(dryRun);
            if (contentType == "application/apply-patch+yaml")
            {
                return ServerSideApply(type, ns, name, patch, subresource, strict);
            }

            var current = Store.Get(type.GroupResource, ns, name) ?? throw ApiError.NotFound(type, name);
            var patched = contentType switch
            {
                "application/merge-patch+json" => Patches.Merge(current, patch),
                "application/strategic-merge-patch+json" => Patches.Strategic(current, patch),
                "application/json-patch+json" => Patches.Apply(current, patch as JsonArray ?? throw ApiError.BadRequest("a json patch must be an array of operations")),
                _ => throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"),
            } as JsonObject ?? throw ApiError.BadRequest("the patch did not produce an object");
            var patchedRv = JsonPaths.MetaString(patched, "resourceVersion");
            var rvPrecondition = patchedRv != JsonPaths.MetaString(current, "resourceVersion") ? patchedRv : null;
            CheckPreconditions(type, current, null, rvPrecondition);
            if (JsonPaths.Name(patched) != name)
            {
                throw ApiError.BadRequest($"the name of the object ({JsonPaths.Name(patched)}) does not match the name on the URL ({name})");
            }

            return UpdateChecked(type, current, patched, subresource, strict);
        }
    }

    /// <summary>
    /// Server-side apply, approximated: creates the object when it is missing, else merges the applied configuration in
    /// (strategic-merge approximation for built-ins, merge patch for custom resources). Field ownership is not tracked,
    /// so fields dropped from an apply configuration stay, and apply never reports conflicts.
    /// </summary>
    private JsonObject ServerSideApply(ResourceType type, string ns, string name, JsonNode patch, string? subresource, bool strict)
    {
        if (patch is not JsonObject applied)
        {
            throw ApiError.BadRequest("an apply configuration must be a JSON object");
        }

        if (JsonPaths.Name(applied) is { Length: > 0 } given && given != name)
        {
            throw ApiError.BadRequest($"the name of the object ({given}) does not match the name on the URL ({name})");
        }

        var current = Store.Get(type.GroupResource, ns, name);
        if (current is null)
        {
            if (subresource is not null)
            {
                throw ApiError.NotFound(type, name);
            }

            var body = applied.DeepClone().AsObject();
            JsonPaths.Metadata(body)["name"] = name;
            return Create(type, ns, body, strict);
        }

        var merged = (type.IsCustom ? Patches.Merge(current, applied) : Patches.Strategic(current, applied))!.AsObject();
        CheckPreconditions(type, current, null, JsonPaths.MetaString(applied, "resourceVersion"));
        return UpdateChecked(type, current, merged, subresource, strict);
    }

    private JsonObject UpdateChecked(ResourceType type, JsonObject current, JsonObject body, string? subresource, bool strict = false)
    {
        JsonObject next;
        if (subresource == "status")
        {
            // The status subresource changes status and nothing else.
            next = current.DeepClone().AsObject();
            if (body["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
            else
            {
                next.Remove("status");
            }

            if (type.IsCustom && type.Schema?["properties"]?["status"] is JsonObject statusSchema && next["status"] is JsonObject st)
            {
                PruneAndValidateStatus(type, next, statusSchema, st, current);
            }
        }
        else
        {
            next = body.DeepClone().AsObject();
            next["apiVersion"] = type.ApiVersion;
            next["kind"] = type.Kind;
            var meta = JsonPaths.Metadata(next);
            var curMeta = JsonPaths.Metadata(current);
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion" })
            {
                if (curMeta[field] is { } v)
                {
                    meta[field] = v.DeepClone();
                }
                else
                {
                    meta.Remove(field);
                }
            }

            meta.Remove("managedFields");
            if (type.HasStatus)
            {
                if (current["status"] is { } st)
                {
                    next["status"] = st.DeepClone();
                }
                else
                {
                    next.Remove("status");
                }
            }

            BuiltinDefaults.Apply(type, next);
            if (type.GroupResource == ResourceRegistry.Crds)
            {
                var errors = CustomResourceDefinitions.Validate(next);
                if (errors.Count > 0)
                {
                    throw ApiError.Invalid(type, JsonPaths.Name(current), errors);
                }
            }

            var metaErrors = MetadataRules.Check(next, checkName: false);
            if (metaErrors.Count > 0)
            {
                throw ApiError.Invalid(type, JsonPaths.Name(current), metaErrors);
            }

            ValidateCustom(type, next, current, strict);
            if (curMeta["deletionTimestamp"] is not null)
            {
                var before = JsonPaths.Finalizers(current);
                if (JsonPaths.Finalizers(next).Any(f => !before.Contains(f)))
                {
                    throw ApiError.Invalid(type, JsonPaths.Name(current), [FieldError.Forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted")]);
                }
            }

            if (!JsonNode.DeepEquals(SpecOf(next), SpecOf(current)))
            {
                meta["generation"] = (JsonPaths.Int(curMeta["generation"]) ?? 0) + 1;
            }
        }

        if (JsonNode.DeepEquals(next, current))
        {
            // A no-op write keeps the resourceVersion and sends no watch event, as the apiserver does.
            return current;
        }

        if (_dryRun)
        {
            return next;
        }

        var stored = Store.Write(type.GroupResource, next, "MODIFIED", current);
        if (JsonPaths.Metadata(stored)["deletionTimestamp"] is not null && JsonPaths.Finalizers(stored).Count == 0)
        {
            return RemoveAndCollect(type.GroupResource, stored);
        }

        AfterWrite(type.GroupResource, stored);
        return stored;
    }

    /// <summary>Everything generation tracks: the object minus metadata and status.</summary>
    private static JsonObject SpecOf(JsonObject obj)
    {
        var spec = new JsonObject();
        foreach (var (k, v) in obj)
        {
            if (k is not ("metadata" or "status" or "apiVersion" or "kind"))
            {
                spec[k] = v?.DeepClone();
            }
        }

        return spec;
    }

    /// <summary>Prunes, defaults and validates a custom resource; strict (fieldValidation=Strict) turns pruned fields into a 400.</summary>
    private static void ValidateCustom(ResourceType type, JsonObject obj, JsonObject? old, bool strict)
    {
        if (!type.IsCustom || type.Schema is null)
        {
            return;
        }

        var saved = obj["status"]?.DeepClone();
        var pruned = new List<string>();
        OpenApiSchema.PruneAndDefault(type.Schema, obj, pruned);
        if (strict && pruned.Count > 0 && !(type.HasStatus && pruned.TrueForAll(p => p == "status" || p.StartsWith("status.", StringComparison.Ordinal))))
        {
            var fields = string.Join(", ", pruned.Where(p => !type.HasStatus || !p.StartsWith("status", StringComparison.Ordinal)).Select(p => $"unknown field \"{p}\""));
            throw ApiError.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {fields}");
        }

        if (type.HasStatus)
        {
            // Status is not defaulted or validated through the main resource: it is carried over unchanged.
            if (saved is null)
            {
                obj.Remove("status");
            }
            else
            {
                obj["status"] = saved;
            }
        }

        var validated = obj.DeepClone().AsObject();
        if (type.HasStatus)
        {
            validated.Remove("status");
        }

        var oldValidated = old?.DeepClone().AsObject();
        oldValidated?.Remove("status");
        var errors = OpenApiSchema.Validate(type.Schema, validated, oldValidated);
        if (errors.Count > 0)
        {
            throw ApiError.Invalid(type, JsonPaths.Name(obj), errors);
        }
    }

    private static void PruneAndValidateStatus(ResourceType type, JsonObject next, JsonObject statusSchema, JsonObject status, JsonObject current)
    {
        var wrapper = new JsonObject { ["properties"] = new JsonObject { ["status"] = statusSchema.DeepClone() } };
        var probe = new JsonObject { ["status"] = status.DeepClone() };
        OpenApiSchema.PruneAndDefault(wrapper, probe);
        next["status"] = probe["status"]!.DeepClone();
        var oldProbe = current["status"] is { } s ? new JsonObject { ["status"] = s.DeepClone() } : null;
        var errors = OpenApiSchema.Validate(wrapper, probe, oldProbe);
        if (errors.Count > 0)
        {
            throw ApiError.Invalid(type, JsonPaths.Name(current), errors);
        }
    }

    private static void CheckKind(ResourceType type, JsonObject body)
    {
        if ((string?)body["kind"] is { Length: > 0 } kind && kind != type.Kind)
        {
            throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        if ((string?)body["apiVersion"] is { Length: > 0 } apiVersion && apiVersion != type.ApiVersion
            && !(type.IsCustom && apiVersion.StartsWith(type.Group + "/", StringComparison.Ordinal)))
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }
    }

    private static void CheckPreconditions(ResourceType type, JsonObject current, string? uid, string? resourceVersion)
    {
        var name = JsonPaths.Name(current);
        if (!string.IsNullOrEmpty(uid) && uid != JsonPaths.Uid(current))
        {
            throw ApiError.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {JsonPaths.Uid(current)}");
        }

        if (!string.IsNullOrEmpty(resourceVersion) && resourceVersion != JsonPaths.MetaString(current, "resourceVersion"))
        {
            throw ApiError.StaleResourceVersion(type, name);
        }
    }

    private static string RandomSuffix()
    {
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>Side effects of a stored write: serving a CRD's resources, keeping PodDisruptionBudget status current.</summary>
    private void AfterWrite(GroupResource gr, JsonObject obj)
    {
        if (gr == ResourceRegistry.Crds)
        {
            registry.Apply(JsonPaths.Name(obj), obj);
        }

        if (gr == ResourceRegistry.Pods || gr == ResourceRegistry.Pdbs || gr == ResourceRegistry.StatefulSets)
        {
            RefreshDisruptionBudgets(JsonPaths.Namespace(obj));
        }
    }

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);
}

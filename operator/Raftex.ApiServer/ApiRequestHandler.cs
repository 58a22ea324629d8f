using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Raftex.ApiServer;

/// <summary>Maps Kubernetes REST requests onto <see cref="ClusterApi"/> and writes the answers (objects, lists, Status bodies, watch streams).</summary>
internal sealed partial class ApiRequestHandler(ClusterApi api, ApiServerOptions options)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            await WriteAsync(context, e.Code, e.ToStatus()).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteAsync(context, 400, ApiError.BadRequest($"the body of the request could not be decoded: {e.Message}").ToStatus()).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (TryDiscovery(context, path) is { } discovery)
        {
            await WriteAsync(context, 200, discovery).ConfigureAwait(false);
            return;
        }

        if (context.Request.Method == "GET" && TryOpenApi(path) is { } openApi)
        {
            await WriteAsync(context, 200, openApi).ConfigureAwait(false);
            return;
        }

        if (path is "/healthz" or "/readyz" or "/livez")
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var target = RequestTarget.Parse(path, api.Registry)
            ?? throw new ApiError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        var query = context.Request.Query;
        var type = target.Type;
        var ns = target.Namespace ?? "";
        var method = context.Request.Method;
        var isWatch = target.LegacyWatch || IsTrue(query["watch"]);

        if (target.Subresource is { } sub && !SubresourceServed(type, sub))
        {
            throw new ApiError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        }

        if (target.Name is null)
        {
            var labels = LabelSelector.Parse(query["labelSelector"]);
            var fields = FieldSelector.Parse(query["fieldSelector"], type);
            switch (method)
            {
                case "GET" when isWatch:
                    await WatchAsync(context, target, labels, fields).ConfigureAwait(false);
                    return;
                case "GET":
                    await WriteListAsync(context, type, target.Namespace, labels, fields).ConfigureAwait(false);
                    return;
                case "POST" when target.Namespace is not null || !type.Namespaced:
                    var created = api.Create(type, ns, await ReadObjectAsync(context).ConfigureAwait(false), Strict(query), DryRun(query));
                    await WriteAsync(context, 201, Present(type, created)).ConfigureAwait(false);
                    return;
                case "DELETE":
                    var deleted = api.DeleteCollection(type, target.Namespace, labels, fields, await ReadDeleteAsync(context).ConfigureAwait(false), DryRun(query));
                    await WriteAsync(context, 200, StatusBody.Success(new JsonObject { ["kind"] = type.Plural, ["count"] = deleted })).ConfigureAwait(false);
                    return;
                default:
                    throw ApiError.MethodNotAllowed($"the server does not allow this method on the requested resource");
            }
        }

        var name = target.Name;
        if (method == "GET" && isWatch)
        {
            await WatchAsync(context, target, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse($"metadata.name={name}", type)).ConfigureAwait(false);
            return;
        }

        switch (method, target.Subresource)
        {
            case ("GET", null or "status"):
                var got = Present(type, api.Get(type, ns, name));
                if (TableView.Wanted(context.Request.Headers.Accept.ToString()))
                {
                    var rv = long.Parse(JsonPaths.MetaString(got, "resourceVersion") ?? "0", CultureInfo.InvariantCulture);
                    got = TableView.Render(type, [got], rv, context.Request.Query["includeObject"].FirstOrDefault(), options.Clock.GetUtcNow());
                }

                await WriteAsync(context, 200, got).ConfigureAwait(false);
                return;
            case ("GET", "scale"):
                await WriteAsync(context, 200, api.GetScale(type, ns, name)).ConfigureAwait(false);
                return;
            case ("PUT", null or "status"):
                var updated = api.Update(type, ns, name, await ReadObjectAsync(context).ConfigureAwait(false), target.Subresource, Strict(query), DryRun(query));
                await WriteAsync(context, 200, Present(type, updated)).ConfigureAwait(false);
                return;
            case ("PUT", "scale"):
                var scaleBody = await ReadObjectAsync(context).ConfigureAwait(false);
                await WriteAsync(context, 200, api.UpdateScale(type, ns, name, _ => scaleBody, DryRun(query))).ConfigureAwait(false);
                return;
            case ("PATCH", null or "status"):
                if (MediaType(context) == "application/apply-patch+yaml" && string.IsNullOrEmpty(query["fieldManager"]))
                {
                    throw new ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                        new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueRequired", ["message"] = "Required value: is required for apply patch", ["field"] = "fieldManager" }) });
                }

                var patched = api.Patch(type, ns, name, MediaType(context), await ReadNodeAsync(context).ConfigureAwait(false), target.Subresource, Strict(query), DryRun(query));
                await WriteAsync(context, 200, Present(type, patched)).ConfigureAwait(false);
                return;
            case ("PATCH", "scale"):
                var contentType = MediaType(context);
                var scalePatch = await ReadNodeAsync(context).ConfigureAwait(false);
                var scale = api.UpdateScale(type, ns, name, current => contentType == "application/json-patch+json"
                    ? (Patches.Apply(current, scalePatch as JsonArray ?? throw ApiError.BadRequest("a json patch must be an array of operations")) as JsonObject)!
                    : (Patches.Merge(current, scalePatch) as JsonObject)!, DryRun(query));
                await WriteAsync(context, 200, scale).ConfigureAwait(false);
                return;
            case ("POST", "eviction"):
                var eviction = await ReadObjectAsync(context).ConfigureAwait(false);
                var result = api.Evict(type, ns, name, DeleteRequestFrom(eviction["deleteOptions"] as JsonObject, context.Request.Query), DryRun(query) || eviction["deleteOptions"]?["dryRun"] is JsonArray { Count: > 0 });
                await WriteAsync(context, 201, result).ConfigureAwait(false);
                return;
            case ("GET", "log"):
                await WriteLogAsync(context, type, ns, name, api.Get(type, ns, name)).ConfigureAwait(false);
                return;
            case ("POST", "binding"):
                var bound = api.Bind(type, ns, name, await ReadObjectAsync(context).ConfigureAwait(false));
                await WriteAsync(context, 201, bound).ConfigureAwait(false);
                return;
            case ("DELETE", null):
                var (obj, removed) = api.Delete(type, ns, name, await ReadDeleteAsync(context).ConfigureAwait(false), DryRun(query));
                await WriteAsync(context, removed ? 200 : 202, Present(type, obj)).ConfigureAwait(false);
                return;
            default:
                throw ApiError.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private static bool SubresourceServed(ResourceType type, string sub) => sub switch
    {
        "status" => type.HasStatus,
        "scale" => type.Scale is not null,
        "eviction" or "binding" or "log" => type.HasEviction,
        _ => false,
    };

    /// <summary>dryRun=All evaluates the request without persisting anything; any other value is rejected as the apiserver does.</summary>
    private static bool DryRun(IQueryCollection query) => query["dryRun"].FirstOrDefault() switch
    {
        null or "" => false,
        "All" => true,
        var other => throw ApiError.BadRequest($"dryRun: Unsupported value: \"{other}\": supported values: \"All\""),
    };

    private static bool Strict(IQueryCollection query) => query["fieldValidation"] == "Strict";

    private static bool IsTrue(string? value) => value is "true" or "1" or "True";

    private static string MediaType(HttpContext context) =>
        (context.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>Objects are stored once per group/resource; a request through another served version sees it under that apiVersion.</summary>
    private static JsonObject Present(ResourceType type, JsonObject obj)
    {
        if ((string?)obj["apiVersion"] == type.ApiVersion)
        {
            return obj;
        }

        var copy = obj.DeepClone().AsObject();
        copy["apiVersion"] = type.ApiVersion;
        return copy;
    }

    private static async Task<JsonNode> ReadNodeAsync(HttpContext context)
    {
        try
        {
            var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return node ?? throw ApiError.BadRequest("the request body is empty");
        }
        catch (JsonException e) when (MediaType(context).EndsWith("yaml", StringComparison.Ordinal))
        {
            throw new ApiError(415, "UnsupportedMediaType", $"this server accepts apply configurations in JSON only (JSON is valid YAML): {e.Message}");
        }
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        if (MediaType(context) is { Length: > 0 } media && media != "application/json" && !media.EndsWith("+json", StringComparison.Ordinal))
        {
            throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json");
        }

        return await ReadNodeAsync(context).ConfigureAwait(false) as JsonObject ?? throw ApiError.BadRequest("the request body must be a JSON object");
    }

    private static async Task<DeleteRequest> ReadDeleteAsync(HttpContext context)
    {
        JsonObject? body = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            body = node as JsonObject;
        }

        return DeleteRequestFrom(body, context.Request.Query);
    }

    private static DeleteRequest DeleteRequestFrom(JsonObject? options, IQueryCollection query)
    {
        var policy = (string?)options?["propagationPolicy"] ?? query["propagationPolicy"].FirstOrDefault();
        if (policy is null && options?["orphanDependents"] is JsonValue orphan && orphan.GetValueKind() == JsonValueKind.True)
        {
            policy = "Orphan";
        }

        var grace = JsonPaths.Int(options?["gracePeriodSeconds"]);
        if (grace is null && long.TryParse(query["gracePeriodSeconds"].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var g))
        {
            grace = g;
        }

        return new DeleteRequest((string?)options?["preconditions"]?["uid"], (string?)options?["preconditions"]?["resourceVersion"], policy, grace);
    }

    private async Task WriteListAsync(HttpContext context, ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        var (items, rv) = api.List(type, ns, labels, fields);
        if (TableView.Wanted(context.Request.Headers.Accept.ToString()))
        {
            var table = TableView.Render(type, items.Select(i => Present(type, i)), rv, context.Request.Query["includeObject"].FirstOrDefault(), options.Clock.GetUtcNow());
            await WriteAsync(context, 200, table).ConfigureAwait(false);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", type.ListKind);
            writer.WriteString("apiVersion", type.ApiVersion);
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", rv.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteStartArray("items");
            foreach (var item in items)
            {
                Present(type, item).WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, int code, JsonObject body)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body.WriteTo(writer);
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}

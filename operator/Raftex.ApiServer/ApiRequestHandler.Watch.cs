using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Raftex.ApiServer;

internal sealed partial class ApiRequestHandler
{
    /// <summary>
    /// A watch: HTTP 200 with newline-delimited JSON events. No resourceVersion (or "0") sends the current objects as
    /// ADDED first; a resourceVersion replays later events from the window, or answers an ERROR event with a 410
    /// Expired Status when it has been compacted away (the response itself stays 200, as the apiserver's does).
    /// </summary>
    private async Task WatchAsync(HttpContext context, RequestTarget target, LabelSelector labels, FieldSelector fields)
    {
        var query = context.Request.Query;
        var type = target.Type;
        var rvText = query["resourceVersion"].FirstOrDefault();
        long? fromRv = null;
        if (!string.IsNullOrEmpty(rvText) && rvText != "0")
        {
            fromRv = long.TryParse(rvText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw ApiError.BadRequest($"resourceVersion: Invalid value: \"{rvText}\": must be a decimal integer");
        }

        var bookmarks = IsTrue(query["allowWatchBookmarks"]);
        Func<JsonObject, JsonObject> render = TableView.Wanted(context.Request.Headers.Accept.ToString())
            ? o => TableView.Render(type, [o], long.Parse(JsonPaths.MetaString(o, "resourceVersion") ?? "0", CultureInfo.InvariantCulture), query["includeObject"].FirstOrDefault(), options.Clock.GetUtcNow())
            : o => o;
        var watcher = new Watcher(type.GroupResource, target.Namespace);
        var store = api.Store;
        List<StoredEvent>? replay;
        long compacted;
        // sendInitialEvents (streaming lists): the current state, then a bookmark marking its end, then changes.
        var sendInitial = IsTrue(query["sendInitialEvents"]);
        if (sendInitial && !bookmarks)
        {
            throw new ApiError(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: allowWatchBookmarks: Required value: allowWatchBookmarks required when sendInitialEvents is true");
        }

        long initialEnd;
        lock (store.Sync)
        {
            compacted = store.CompactedThrough;
            initialEnd = store.ResourceVersion;
            replay = store.Subscribe(watcher, sendInitial ? null : fromRv);
            if (replay is not null && (fromRv is null || sendInitial))
            {
                replay = store.List(type.GroupResource, target.Namespace)
                    .Select(o => new StoredEvent(long.Parse(JsonPaths.MetaString(o, "resourceVersion")!, CultureInfo.InvariantCulture), "ADDED", type.GroupResource, JsonPaths.Namespace(o), o, null))
                    .ToList();
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (long.TryParse(query["timeoutSeconds"].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var timeout) && timeout > 0)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(timeout));
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache, private";
        Task? bookmarkLoop = null;
        try
        {
            await response.StartAsync(stop.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
            if (replay is null)
            {
                var gone = StatusBody.Failure(410, "Expired", $"too old resource version: {fromRv} ({compacted + 1})", null);
                await WriteEventAsync(response, "ERROR", gone, stop.Token).ConfigureAwait(false);
                return;
            }

            foreach (var e in replay)
            {
                await WriteFilteredAsync(response, type, e, labels, fields, render, stop.Token).ConfigureAwait(false);
            }

            if (sendInitial)
            {
                var end = new JsonObject
                {
                    ["kind"] = type.Kind,
                    ["apiVersion"] = type.ApiVersion,
                    ["metadata"] = new JsonObject
                    {
                        ["resourceVersion"] = initialEnd.ToString(CultureInfo.InvariantCulture),
                        ["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" },
                    },
                };
                await WriteEventAsync(response, "BOOKMARK", end, stop.Token).ConfigureAwait(false);
            }

            if (bookmarks)
            {
                bookmarkLoop = BookmarksAsync(store, watcher, stop.Token);
            }

            await foreach (var e in watcher.Events.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                if (e.Type == "BOOKMARK")
                {
                    var bookmark = new JsonObject
                    {
                        ["kind"] = type.Kind,
                        ["apiVersion"] = type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = e.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
                    };
                    await WriteEventAsync(response, "BOOKMARK", bookmark, stop.Token).ConfigureAwait(false);
                }
                else
                {
                    await WriteFilteredAsync(response, type, e, labels, fields, render, stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // timeoutSeconds elapsed or the client left: the watch simply ends.
        }
        catch (IOException)
        {
            // The connection broke mid-write.
        }
        finally
        {
            lock (store.Sync)
            {
                store.Unsubscribe(watcher);
            }

            await stop.CancelAsync().ConfigureAwait(false);
            if (bookmarkLoop is not null)
            {
                await bookmarkLoop.ConfigureAwait(false);
            }
        }
    }

    private async Task BookmarksAsync(ResourceStore store, Watcher watcher, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(options.BookmarkInterval);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                lock (store.Sync)
                {
                    store.Bookmark(watcher);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The watch ended.
        }
    }

    /// <summary>Applies the watch's selectors to a change: an object that starts or stops matching is seen as ADDED or DELETED.</summary>
    private static Task WriteFilteredAsync(HttpResponse response, ResourceType type, StoredEvent e, LabelSelector labels, FieldSelector fields, Func<JsonObject, JsonObject> render, CancellationToken ct)
    {
        bool Match(JsonObject? o) => o is not null && labels.Matches(JsonPaths.Labels(o)) && fields.Matches(o);
        var now = Match(e.Object);
        string? eventType = e.Type switch
        {
            "ADDED" when now => "ADDED",
            "DELETED" when now => "DELETED",
            "MODIFIED" => (now, Match(e.Previous)) switch
            {
                (true, true) => "MODIFIED",
                (true, false) => "ADDED",
                (false, true) => "DELETED",
                _ => null,
            },
            _ => null,
        };
        return eventType is null ? Task.CompletedTask : WriteEventAsync(response, eventType, render(Present(type, e.Object!)), ct);
    }

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonObject obj, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            obj.WriteTo(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        await response.Body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }
}

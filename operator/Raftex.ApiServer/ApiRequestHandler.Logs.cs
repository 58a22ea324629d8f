using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Raftex.ApiServer;

/// <summary>GET pods/{name}/log: the container's log file as the kubelet wrote it, whole, its last lines, or followed.</summary>
internal sealed partial class ApiRequestHandler
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(250);

    private async Task WriteLogAsync(HttpContext context, ResourceType type, string ns, string name, JsonObject pod)
    {
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => (string?)c?["name"]).OfType<string>().ToList();
        var container = context.Request.Query["container"].FirstOrDefault();
        if (string.IsNullOrEmpty(container))
        {
            container = containers.Count == 1
                ? containers[0]
                : throw ApiError.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', containers)}]");
        }
        else if (!containers.Contains(container))
        {
            throw ApiError.BadRequest($"container {container} is not valid for pod {name}");
        }

        if (options.PodLogs is null)
        {
            throw ApiError.BadRequest($"pod {name}: no kubelet serves logs on this server");
        }

        var path = options.PodLogs(ns, name, container);
        var tail = context.Request.Query["tailLines"].FirstOrDefault() is { Length: > 0 } t
            ? int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw ApiError.BadRequest($"tailLines: Invalid value: \"{t}\": must be a non-negative integer")
            : -1;
        var follow = IsTrue(context.Request.Query["follow"].FirstOrDefault());
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        var ct = context.RequestAborted;
        await using var file = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete) : null;
        if (file is null)
        {
            await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            return;
        }

        if (tail >= 0)
        {
            file.Position = TailStart(file, tail);
        }

        await file.CopyToAsync(context.Response.Body, ct).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
        var uid = JsonPaths.MetaString(pod, "uid");
        while (follow && !ct.IsCancellationRequested && StillThere(type, ns, name, uid))
        {
            await Task.Delay(FollowPoll, ct).ConfigureAwait(false);
            if (file.Length > file.Position)
            {
                await file.CopyToAsync(context.Response.Body, ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private bool StillThere(ResourceType type, string ns, string name, string? uid)
    {
        try
        {
            return JsonPaths.MetaString(api.Get(type, ns, name), "uid") == uid;
        }
        catch (ApiError)
        {
            return false;
        }
    }

    /// <summary>The offset of the start of the last <paramref name="lines"/> lines (a final newline ends a line, it does not start one).</summary>
    private static long TailStart(FileStream file, int lines)
    {
        var length = file.Length;
        if (lines == 0)
        {
            return length;
        }

        var buffer = new byte[8192];
        var newlines = 0;
        var end = length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            file.Position = start;
            var read = file.Read(buffer, 0, (int)(end - start));
            for (var i = read - 1; i >= 0; i--)
            {
                var offset = start + i;
                if (buffer[i] == (byte)'\n' && offset != length - 1 && ++newlines == lines)
                {
                    return offset + 1;
                }
            }

            end = start;
        }

        return 0;
    }
}

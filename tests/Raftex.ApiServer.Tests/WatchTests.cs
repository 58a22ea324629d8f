using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Raftex.ApiServer.Tests;

public sealed class WatchTests
{
    private static string Name(JsonObject e) => (string)e["object"]!["metadata"]!["name"]!;

    private static string Type(JsonObject e) => (string)e["type"]!;

    private static long Rv(JsonObject e) => long.Parse((string)e["object"]!["metadata"]!["resourceVersion"]!);

    [Fact]
    public async Task Watch_replays_events_after_the_given_resourceVersion_in_order()
    {
        await using var s = await TestServer.StartAsync();
        var a = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("b"), "default");
        await s.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"2"}}""", V1Patch.PatchType.MergePatch), "a", "default");
        await s.Client.CoreV1.DeleteNamespacedConfigMapAsync("b", "default");

        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={a.Metadata.ResourceVersion}");
        var events = new List<JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            events.Add((await w.NextChangeAsync())!);
        }

        Assert.Equal(["ADDED:b", "MODIFIED:a", "DELETED:b"], events.Select(e => $"{Type(e)}:{Name(e)}").ToArray());
        Assert.True(events.Select(Rv).SequenceEqual(events.Select(Rv).Order()));

        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("c"), "default");
        var live = await w.NextChangeAsync();
        Assert.Equal("ADDED:c", $"{Type(live!)}:{Name(live!)}");
        Assert.True(Rv(live!) > Rv(events[^1]));
    }

    [Fact]
    public async Task Watch_without_resourceVersion_starts_with_the_current_objects()
    {
        await using var s = await TestServer.StartAsync();
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        await using var w = await WatchStream.OpenAsync(s.Http, "/api/v1/namespaces/default/configmaps?watch=1");
        var first = await w.NextChangeAsync();
        Assert.Equal("ADDED:a", $"{Type(first!)}:{Name(first!)}");
    }

    [Fact]
    public async Task Too_old_resourceVersion_gets_an_ERROR_event_with_410_Expired()
    {
        await using var s = await TestServer.StartAsync(new ApiServerOptions { WatchHistoryLimit = 5 });
        var first = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("c0"), "default");
        for (var i = 1; i < 10; i++)
        {
            await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap($"c{i}"), "default");
        }

        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={first.Metadata.ResourceVersion}");
        var e = await w.NextAsync();
        Assert.Equal("ERROR", Type(e!));
        Assert.Equal(410, (int)e!["object"]!["code"]!);
        Assert.Equal("Expired", (string?)e["object"]!["reason"]);
        Assert.Equal("Status", (string?)e["object"]!["kind"]);
        Assert.StartsWith("too old resource version", (string?)e["object"]!["message"], StringComparison.Ordinal);
        Assert.Null(await w.NextAsync());
    }

    [Fact]
    public async Task KubernetesClient_sees_410_as_a_KubernetesException()
    {
        await using var s = await TestServer.StartAsync(new ApiServerOptions { WatchHistoryLimit = 2 });
        var first = await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p0"), "default");
        for (var i = 1; i < 5; i++)
        {
            await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod($"p{i}"), "default");
        }

        Exception? error = null;
        var seen = 0;
        await foreach (var _ in s.Client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: first.Metadata.ResourceVersion, onError: e => error = e))
        {
            seen++;
        }

        Assert.Equal(0, seen);
        var k = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, k.Status.Code);
    }

    [Fact]
    public async Task Bookmarks_arrive_periodically_with_the_current_resourceVersion()
    {
        await using var s = await TestServer.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(50) });
        var cm = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        await s.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("p"), "default");
        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion={cm.Metadata.ResourceVersion}");
        var e = await w.NextAsync();
        Assert.Equal("BOOKMARK", Type(e!));
        Assert.Equal("ConfigMap", (string?)e!["object"]!["kind"]);
        Assert.Equal(s.Host.ResourceVersion, Rv(e));
    }

    [Fact]
    public async Task No_bookmarks_unless_asked_for()
    {
        await using var s = await TestServer.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(20) });
        var cm = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion={cm.Metadata.ResourceVersion}");
        Assert.Null(await w.NextAsync());
    }

    [Fact]
    public async Task Selectors_apply_to_watches_and_leaving_the_selection_is_a_DELETED()
    {
        await using var s = await TestServer.StartAsync();
        var start = s.Host.ResourceVersion;
        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dx&resourceVersion={start}");
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("other", labels: new() { ["app"] = "y" }), "default");
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("mine", labels: new() { ["app"] = "x" }), "default");
        await s.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"app":"z"}}}""", V1Patch.PatchType.MergePatch), "mine", "default");
        await s.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"app":"x"}}}""", V1Patch.PatchType.MergePatch), "other", "default");

        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var e = await w.NextChangeAsync();
            seen.Add($"{Type(e!)}:{Name(e!)}");
        }

        Assert.Equal(["ADDED:mine", "DELETED:mine", "ADDED:other"], seen);
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_watch()
    {
        await using var s = await TestServer.StartAsync();
        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1&resourceVersion={s.Host.ResourceVersion}");
        Assert.Null(await w.NextAsync(5_000));
    }

    [Fact]
    public async Task Dropping_watches_ends_every_open_stream()
    {
        await using var s = await TestServer.StartAsync();
        await using var w1 = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/pods?watch=true&resourceVersion={s.Host.ResourceVersion}");
        await using var w2 = await WatchStream.OpenAsync(s.Http, $"/apis/apps/v1/statefulsets?watch=true&resourceVersion={s.Host.ResourceVersion}");
        await Poll.UntilAsync(() => s.Host.OpenWatchCount == 2, "both watches registered");
        Assert.Equal(2, s.Host.DropWatches());
        Assert.Null(await w1.NextAsync());
        Assert.Null(await w2.NextAsync());
        Assert.Equal(0, s.Host.OpenWatchCount);
    }

    [Fact]
    public async Task Legacy_watch_path_is_served()
    {
        await using var s = await TestServer.StartAsync();
        var rv = s.Host.ResourceVersion;
        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/watch/namespaces/default/configmaps?resourceVersion={rv}");
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        var e = await w.NextChangeAsync();
        Assert.Equal("ADDED:a", $"{Type(e!)}:{Name(e!)}");
    }

    [Fact]
    public async Task Restart_keeping_data_preserves_objects_and_drops_watches()
    {
        await using var s = await TestServer.StartAsync();
        var before = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={s.Host.ResourceVersion}");
        var port = s.Host.Port;
        await s.Host.RestartAsync(keepData: true);
        Assert.Null(await w.NextAsync());
        Assert.Equal(port, s.Host.Port);

        var after = await s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        Assert.Equal(before.Metadata.Uid, after.Metadata.Uid);

        // The watch window restarted: resuming from before the restart is 410, from now is fine.
        await using var old = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1");
        Assert.Equal("ERROR", Type((await old.NextAsync())!));
        await using var fresh = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={s.Host.ResourceVersion}");
        await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("b"), "default");
        Assert.Equal("ADDED", Type((await fresh.NextChangeAsync())!));
    }

    [Fact]
    public async Task Restart_losing_data_starts_empty_with_higher_resourceVersions()
    {
        await using var s = await TestServer.StartAsync();
        var before = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        await s.Host.RestartAsync(keepData: false);
        await TestServer.FailsAsync(() => s.Client.CoreV1.ReadNamespacedConfigMapAsync("a", "default"), HttpStatusCode.NotFound);
        var again = await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), "default");
        Assert.True(long.Parse(again.Metadata.ResourceVersion) > long.Parse(before.Metadata.ResourceVersion));
        await s.Client.CoreV1.ReadNamespaceAsync("default");
    }

    [Fact]
    public async Task Concurrent_writers_are_seen_by_a_watcher_in_strict_resourceVersion_order_without_gaps()
    {
        await using var s = await TestServer.StartAsync();
        var start = s.Host.ResourceVersion;
        await using var w = await WatchStream.OpenAsync(s.Http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");
        const int writers = 6, each = 15;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async i =>
        {
            await s.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap($"c{i}"), "default");
            for (var n = 1; n < each; n++)
            {
                await s.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"n\":\"" + n + "\"}}", V1Patch.PatchType.MergePatch), $"c{i}", "default");
            }
        }));

        var rvs = new List<long>();
        for (var k = 0; k < writers * each; k++)
        {
            rvs.Add(Rv((await w.NextChangeAsync())!));
        }

        // Only configmap writes happened, so the watcher saw every resourceVersion from start+1 on, in order.
        Assert.Equal(Enumerable.Range(1, writers * each).Select(n => start + n), rvs);
        Assert.Equal(start + (writers * each), s.Host.ResourceVersion);
    }
}

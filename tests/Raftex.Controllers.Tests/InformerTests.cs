using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Raftex.Controllers.Tests;

public sealed class InformerTests
{
    private static readonly InformerOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(2), Jitter = 0 };

    private sealed class Harness : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly Task _run;

        public Harness(FakeListWatchSource<V1ConfigMap> source, InformerOptions? options = null, TimeProvider? time = null)
        {
            Source = source;
            Informer = new Informer<V1ConfigMap>("ConfigMap", source, options ?? Fast, time);
            Informer.Subscribe(e => Events.Enqueue($"{e.Type} {e.New.Metadata.Name}@{e.New.Metadata.ResourceVersion}"));
            _run = Informer.RunAsync(_cts.Token);
        }

        public FakeListWatchSource<V1ConfigMap> Source { get; }

        public Informer<V1ConfigMap> Informer { get; }

        public ConcurrentQueue<string> Events { get; } = new();

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
            _cts.Dispose();
        }
    }

    [Fact]
    public async Task Initial_list_fills_the_cache_and_the_watch_starts_at_the_list_resource_version()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("a", "5"));
        source.Items.Add(Objects.ConfigMap("b", "7"));
        await using var h = new Harness(source);

        await h.Informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => source.Watching, "the watch is open");

        Assert.True(h.Informer.HasSynced);
        Assert.Equal(2, h.Informer.Cache.Count);
        Assert.Equal(["Added a@5", "Added b@7"], h.Events.Order());
        Assert.Equal(["10"], source.WatchRequests);
    }

    [Fact]
    public async Task Watch_events_update_the_cache_and_advance_the_resource_version()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("a", "5"));
        await using var h = new Harness(source);
        await Poll.UntilAsync(() => source.Watching, "the watch is open");

        source.Push(WatchEventType.Added, Objects.ConfigMap("b", "11"));
        source.Push(WatchEventType.Modified, Objects.ConfigMap("a", "12", value: "x"));
        source.Push(WatchEventType.Deleted, Objects.ConfigMap("b", "13"));
        await Poll.UntilAsync(() => h.Informer.ResourceVersion == "13", "the last event is applied");

        Assert.Equal(["Added a@5", "Added b@11", "Updated a@12", "Deleted b@13"], h.Events);
        Assert.Equal("x", h.Informer.Cache.Get(new ObjectKey("default", "a"))!.Data["value"]);
        Assert.Null(h.Informer.Cache.Get(new ObjectKey("default", "b")));
    }

    [Fact]
    public async Task A_bookmark_moves_the_resource_version_so_the_next_watch_resumes_there_without_a_list()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        await using var h = new Harness(source);
        await Poll.UntilAsync(() => source.Watching, "the watch is open");

        source.Push(WatchEventType.Bookmark, new V1ConfigMap { Metadata = new V1ObjectMeta { ResourceVersion = "42" } });
        await Poll.UntilAsync(() => h.Informer.ResourceVersion == "42", "the bookmark is applied");
        source.Close();
        await Poll.UntilAsync(() => source.WatchCalls == 2 && source.Watching, "the watch is re-opened");

        Assert.Equal(["10", "42"], source.WatchRequests);
        Assert.Equal(1, source.ListCalls);
        Assert.Empty(h.Events);
        Assert.Equal(1, h.Informer.WatchRestarts);
    }

    [Fact]
    public async Task Gone_event_re_lists_and_emits_only_what_changed_while_away()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.AddRange([Objects.ConfigMap("changed", "1"), Objects.ConfigMap("removed", "2"), Objects.ConfigMap("same", "3")]);
        await using var h = new Harness(source);
        await Poll.UntilAsync(() => source.Watching, "the watch is open");
        h.Events.Clear();

        source.Items.Clear();
        source.Items.AddRange([Objects.ConfigMap("changed", "20"), Objects.ConfigMap("same", "3"), Objects.ConfigMap("new", "21")]);
        source.ListResourceVersion = "30";
        source.PushError(410, "too old resource version: 10 (25)");
        await Poll.UntilAsync(() => source.WatchCalls == 2 && source.Watching, "the watch is re-opened after the re-list");

        Assert.Equal(["Added new@21", "Deleted removed@2", "Updated changed@20"], h.Events.Order());
        Assert.Equal(2, source.ListCalls);
        Assert.Equal(["10", "30"], source.WatchRequests);
        Assert.Equal(3, h.Informer.Cache.Count);
    }

    [Fact]
    public async Task Http_410_when_opening_the_watch_re_lists()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.WatchStartFailures.Enqueue(new KubernetesApiException(HttpStatusCode.Gone, "Expired"));
        source.Items.Add(Objects.ConfigMap("a", "1"));
        await using var h = new Harness(source);

        await Poll.UntilAsync(() => source.Watching, "a watch is open");
        Assert.Equal(2, source.ListCalls);
        Assert.Equal(2, source.WatchCalls);
        Assert.Equal(["Added a@1"], h.Events);
    }

    [Fact]
    public async Task A_failed_watch_backs_off_on_the_clock_then_resumes_from_the_last_version_without_a_list()
    {
        var time = new FakeTimeProvider();
        var options = new InformerOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(8), Jitter = 0 };
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        await using var h = new Harness(source, options, time);
        await Poll.UntilAsync(() => source.Watching, "the watch is open");
        source.Push(WatchEventType.Added, Objects.ConfigMap("a", "11"));
        await Poll.UntilAsync(() => h.Informer.ResourceVersion == "11", "the event is applied");

        // The first watch delivered an event, so its failure resumes at once; the next failures back off 1 s, 2 s.
        source.WatchStartFailures.Enqueue(new HttpRequestException("connection refused"));
        source.WatchStartFailures.Enqueue(new HttpRequestException("connection refused"));
        source.Fail(new IOException("connection reset"));
        await Poll.UntilAsync(() => source.WatchCalls == 2 && h.Informer.IsBackingOff, "the first retry fails and backs off");

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(2, source.WatchCalls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => source.WatchCalls == 3 && h.Informer.IsBackingOff, "the retry after 1 s fails and backs off");

        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(3, source.WatchCalls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => source.Watching, "the watch after 2 s");

        Assert.Equal(["10", "11", "11", "11"], source.WatchRequests);
        Assert.Equal(1, source.ListCalls);
        Assert.Equal(3, h.Informer.WatchRestarts);
        source.Push(WatchEventType.Modified, Objects.ConfigMap("a", "12"));
        await Poll.UntilAsync(() => h.Informer.ResourceVersion == "12", "events flow again");
    }

    [Fact]
    public async Task A_failed_initial_list_is_retried_until_it_succeeds()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.ListFailures.Enqueue(new HttpRequestException("refused"));
        source.ListFailures.Enqueue(new HttpRequestException("refused"));
        source.Items.Add(Objects.ConfigMap("a", "1"));
        await using var h = new Harness(source);

        await h.Informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, source.ListCalls);
        Assert.NotNull(h.Informer.Cache.Get(new ObjectKey("default", "a")));
    }

    [Fact]
    public async Task Cache_indexes_objects_by_owner_uid_and_by_label()
    {
        var owner = new V1OwnerReference { ApiVersion = "raftex.io/v1alpha1", Kind = "ExchangeCluster", Name = "x", Uid = "owner-1" };
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("a", "1", owner: owner, labels: new Dictionary<string, string> { ["app"] = "raftex" }));
        source.Items.Add(Objects.ConfigMap("b", "2", owner: owner));
        source.Items.Add(Objects.ConfigMap("c", "3", labels: new Dictionary<string, string> { ["app"] = "other" }));
        await using var h = new Harness(source);
        await Poll.UntilAsync(() => source.Watching, "the watch is open");

        Assert.Equal(["a", "b"], h.Informer.Cache.ListByOwner("owner-1").Select(c => c.Metadata.Name).Order());
        Assert.Equal(["a"], h.Informer.Cache.ListByLabel("app", "raftex").Select(c => c.Metadata.Name));

        // Moving a label or dropping an owner re-indexes the object.
        source.Push(WatchEventType.Modified, Objects.ConfigMap("a", "11", labels: new Dictionary<string, string> { ["app"] = "other" }));
        await Poll.UntilAsync(() => h.Informer.ResourceVersion == "11", "the update is applied");
        Assert.Equal(["b"], h.Informer.Cache.ListByOwner("owner-1").Select(c => c.Metadata.Name));
        Assert.Empty(h.Informer.Cache.ListByLabel("app", "raftex"));
        Assert.Equal(["a", "c"], h.Informer.Cache.ListByLabel("app", "other").Select(c => c.Metadata.Name).Order());
    }

    [Fact]
    public async Task A_non_410_error_event_backs_off_and_resumes_without_a_list()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        await using var h = new Harness(source);
        await Poll.UntilAsync(() => source.Watching, "the watch is open");

        source.PushError(500, "internal error");
        await Poll.UntilAsync(() => source.WatchCalls == 2 && source.Watching, "the watch is re-opened");
        Assert.Equal(1, source.ListCalls);
        Assert.Equal(1, h.Informer.WatchRestarts);
    }
}

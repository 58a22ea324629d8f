using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Raftex.Controllers.Tests;

public sealed class ControllerTests
{
    private static readonly InformerOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(2), Jitter = 0 };

    /// <summary>Records every reconcile and answers with a scripted result.</summary>
    private sealed class RecordingReconciler : IReconciler
    {
        public ConcurrentQueue<ObjectKey> Calls { get; } = new();

        public Func<ObjectKey, CancellationToken, Task<ReconcileResult>> Answer { get; set; } = (_, _) => Task.FromResult(ReconcileResult.Done);

        public int CountOf(string name) => Calls.Count(k => k.Name == name);

        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            Calls.Enqueue(key);
            return Answer(key, cancellationToken);
        }
    }

    private sealed class Running<T> : IAsyncDisposable
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly List<Task> _tasks = [];

        public Running(Controller<T> controller, params Func<CancellationToken, Task>[] informers)
        {
            foreach (var run in informers)
            {
                _tasks.Add(run(_cts.Token));
            }

            Controller = controller;
            _tasks.Add(controller.RunAsync(_cts.Token));
        }

        public Controller<T> Controller { get; }

        public async Task StopAsync()
        {
            await _cts.CancelAsync();
            await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(10));
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _cts.Dispose();
        }
    }

    [Fact]
    public async Task A_status_only_update_does_not_trigger_a_reconcile_but_a_spec_or_label_change_does()
    {
        var source = new FakeListWatchSource<V1Deployment> { ListResourceVersion = "10" };
        source.Items.Add(Objects.Deployment("a", "1", generation: 1));
        source.Items.Add(Objects.Deployment("barrier", "2", generation: 1));
        var informer = new Informer<V1Deployment>("Deployment", source, Fast);
        var reconciler = new RecordingReconciler();
        var controller = new Controller<V1Deployment>("Deployment", informer, reconciler, new ControllerOptions { Workers = 1 });
        await using var run = new Running<V1Deployment>(controller, informer.RunAsync);
        await Poll.UntilAsync(() => reconciler.CountOf("a") == 1 && reconciler.CountOf("barrier") == 1 && source.Watching, "the initial reconciles");

        // Status-only: same generation and metadata. One worker runs keys in order, so once the barrier key
        // (queued after) has run, a reconcile of "a" would already have happened.
        source.Push(WatchEventType.Modified, Objects.Deployment("a", "11", generation: 1, readyReplicas: 1));
        var barrier = Objects.Deployment("barrier", "12", generation: 2);
        source.Push(WatchEventType.Modified, barrier);
        await Poll.UntilAsync(() => reconciler.CountOf("barrier") == 2, "the barrier reconcile");
        Assert.Equal(1, reconciler.CountOf("a"));
        Assert.Equal(1, informer.Cache.Get(new ObjectKey("default", "a"))!.Status.ReadyReplicas);

        source.Push(WatchEventType.Modified, Objects.Deployment("a", "13", generation: 2, readyReplicas: 1));
        await Poll.UntilAsync(() => reconciler.CountOf("a") == 2, "a reconcile for the spec change");

        var labelled = Objects.Deployment("a", "14", generation: 2, readyReplicas: 1);
        labelled.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "gold" };
        source.Push(WatchEventType.Modified, labelled);
        await Poll.UntilAsync(() => reconciler.CountOf("a") == 3, "a reconcile for the label change");
    }

    [Fact]
    public void Reconcile_trigger_ignores_only_status_changes_on_kinds_with_status_and_generation()
    {
        var before = Objects.Deployment("a", "1", generation: 3);
        var statusOnly = Objects.Deployment("a", "2", generation: 3, readyReplicas: 2);
        var finalizer = Objects.Clone(statusOnly);
        finalizer.Metadata.Finalizers = ["raftex.io/cleanup"];
        var deleting = Objects.Clone(statusOnly);
        deleting.Metadata.DeletionTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var annotated = Objects.Clone(statusOnly);
        annotated.Metadata.Annotations = new Dictionary<string, string> { ["raftex.io/restartedAt"] = "now" };

        Assert.False(ReconcileTrigger.IsRelevant(new InformerEvent<V1Deployment>(InformerEventType.Updated, before, statusOnly)));
        Assert.True(ReconcileTrigger.IsRelevant(new InformerEvent<V1Deployment>(InformerEventType.Updated, before, finalizer)));
        Assert.True(ReconcileTrigger.IsRelevant(new InformerEvent<V1Deployment>(InformerEventType.Updated, before, deleting)));
        Assert.True(ReconcileTrigger.IsRelevant(new InformerEvent<V1Deployment>(InformerEventType.Updated, before, annotated)));
        Assert.True(ReconcileTrigger.IsRelevant(new InformerEvent<V1Deployment>(InformerEventType.Added, null, statusOnly)));
        Assert.True(ReconcileTrigger.IsRelevant(new InformerEvent<V1Deployment>(InformerEventType.Deleted, statusOnly, statusOnly)));

        // A ConfigMap has neither status nor generation: every change counts.
        Assert.True(ReconcileTrigger.IsRelevant(new InformerEvent<V1ConfigMap>(InformerEventType.Updated, Objects.ConfigMap("c", "1"), Objects.ConfigMap("c", "2", value: "x"))));
    }

    [Fact]
    public async Task An_owned_object_event_queues_its_owner_key()
    {
        var primary = new FakeListWatchSource<V1Deployment> { ListResourceVersion = "10" };
        primary.Items.Add(Objects.Deployment("owner", "1", generation: 1));
        var children = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        var primaryInformer = new Informer<V1Deployment>("Deployment", primary, Fast);
        var childInformer = new Informer<V1ConfigMap>("ConfigMap", children, Fast);
        var reconciler = new RecordingReconciler();
        var controller = new Controller<V1Deployment>("Deployment", primaryInformer, reconciler)
            .Owns(childInformer, "Deployment");
        await using var run = new Running<V1Deployment>(controller, primaryInformer.RunAsync, childInformer.RunAsync);
        await Poll.UntilAsync(() => reconciler.CountOf("owner") == 1 && children.Watching, "the initial reconcile");

        var owner = new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "owner", Uid = "uid-default-owner", Controller = true };
        children.Push(WatchEventType.Added, Objects.ConfigMap("child", "11", owner: owner));
        await Poll.UntilAsync(() => reconciler.CountOf("owner") == 2, "the child's add reaches its owner");
        children.Push(WatchEventType.Deleted, Objects.ConfigMap("child", "12", owner: owner));
        await Poll.UntilAsync(() => reconciler.CountOf("owner") >= 3, "the child's delete reaches its owner");

        Assert.All(reconciler.Calls, k => Assert.Equal(new ObjectKey("default", "owner"), k));
    }

    [Fact]
    public void Owner_keys_come_only_from_owner_references_of_the_owner_kind()
    {
        var child = Objects.ConfigMap("c", "1", ns: "prod");
        child.Metadata.OwnerReferences =
        [
            new V1OwnerReference { ApiVersion = "raftex.io/v1alpha1", Kind = "ExchangeCluster", Name = "xc", Uid = "u1" },
            new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = "u2" },
        ];

        Assert.Equal([new ObjectKey("prod", "xc")], Controller<V1Deployment>.OwnerKeys(child, "ExchangeCluster"));
        Assert.Empty(Controller<V1Deployment>.OwnerKeys(Objects.ConfigMap("lonely", "1"), "ExchangeCluster"));
    }

    [Fact]
    public async Task Requeue_after_runs_the_key_again_when_the_clock_passes_the_delay()
    {
        var time = new FakeTimeProvider();
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("poll", "1"));
        var informer = new Informer<V1ConfigMap>("ConfigMap", source, Fast);
        var reconciler = new RecordingReconciler { Answer = (_, _) => Task.FromResult(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30))) };
        var controller = new Controller<V1ConfigMap>("ConfigMap", informer, reconciler, time: time);
        await using var run = new Running<V1ConfigMap>(controller, informer.RunAsync);
        await Poll.UntilAsync(() => reconciler.Calls.Count == 1 && controller.Queue?.Scheduled == 1, "the first reconcile schedules the next");

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Single(reconciler.Calls);
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => reconciler.Calls.Count == 2, "the requeued reconcile");
    }

    [Fact]
    public async Task Failures_retry_with_growing_back_off_and_success_resets_it()
    {
        var time = new FakeTimeProvider();
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("flaky", "1"));
        var informer = new Informer<V1ConfigMap>("ConfigMap", source, Fast);
        var key = new ObjectKey("default", "flaky");
        var failuresLeft = 2;
        var reconciler = new RecordingReconciler
        {
            Answer = (_, _) => Interlocked.Decrement(ref failuresLeft) >= 0
                ? throw new InvalidOperationException("node unreachable")
                : Task.FromResult(ReconcileResult.Done),
        };
        var options = new ControllerOptions { BackoffBase = TimeSpan.FromSeconds(1), BackoffMax = TimeSpan.FromSeconds(60) };
        var controller = new Controller<V1ConfigMap>("ConfigMap", informer, reconciler, options, time);
        await using var run = new Running<V1ConfigMap>(controller, informer.RunAsync);

        await Poll.UntilAsync(() => reconciler.Calls.Count == 1 && controller.Queue?.Scheduled == 1, "the first failure");
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(reconciler.Calls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => reconciler.Calls.Count == 2 && controller.Queue!.Scheduled == 1 && controller.Queue.Backoff.Failures(key) == 2, "the second failure");

        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(2, reconciler.Calls.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => reconciler.Calls.Count == 3 && controller.Queue!.Backoff.Failures(key) == 0, "the success forgets the failures");
    }

    [Fact]
    public async Task Stopping_the_controller_cancels_the_token_of_a_running_reconcile()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("slow", "1"));
        var informer = new Informer<V1ConfigMap>("ConfigMap", source, Fast);
        var observed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new RecordingReconciler
        {
            Answer = async (_, ct) =>
            {
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                }
                catch (OperationCanceledException)
                {
                    observed.TrySetResult(true);
                    throw;
                }

                return ReconcileResult.Done;
            },
        };
        var controller = new Controller<V1ConfigMap>("ConfigMap", informer, reconciler);
        var run = new Running<V1ConfigMap>(controller, informer.RunAsync);
        await Poll.UntilAsync(() => reconciler.Calls.Count == 1, "the reconcile starts");

        await run.DisposeAsync();
        Assert.True(await observed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(controller.Queue);
    }

    [Fact]
    public async Task A_finalizer_is_added_to_live_objects_and_removed_after_clean_up_on_deletion()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("guarded", "1"));
        var informer = new Informer<V1ConfigMap>("ConfigMap", source, Fast);
        var reconciler = new RecordingReconciler();
        var finalizer = new CountingFinalizer();
        var controller = new Controller<V1ConfigMap>("ConfigMap", informer, reconciler).WithFinalizer(finalizer, source);
        await using var run = new Running<V1ConfigMap>(controller, informer.RunAsync);

        await Poll.UntilAsync(() => reconciler.Calls.Count == 1, "the first reconcile");
        Assert.Equal(["raftex.io/cleanup"], source.Replaced.Single().Metadata.Finalizers);

        var deleting = Objects.ConfigMap("guarded", "12");
        deleting.Metadata.Finalizers = ["raftex.io/cleanup"];
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;
        source.Items.Clear();
        source.Items.Add(deleting);
        source.Push(WatchEventType.Modified, deleting);
        await Poll.UntilAsync(() => source.Replaced.Count == 2, "the finalizer is removed");

        Assert.Equal(1, finalizer.Calls);
        Assert.Empty(source.Replaced[1].Metadata.Finalizers);
        Assert.Single(reconciler.Calls);
    }

    [Fact]
    public async Task The_deletion_handler_gets_the_last_known_state_once()
    {
        var source = new FakeListWatchSource<V1ConfigMap> { ListResourceVersion = "10" };
        source.Items.Add(Objects.ConfigMap("gone", "1", value: "last"));
        var informer = new Informer<V1ConfigMap>("ConfigMap", source, Fast);
        var reconciler = new RecordingReconciler();
        var deletions = new ConcurrentQueue<V1ConfigMap>();
        var controller = new Controller<V1ConfigMap>("ConfigMap", informer, reconciler).WithDeletionHandler(new RecordingDeletionHandler(deletions));
        await using var run = new Running<V1ConfigMap>(controller, informer.RunAsync);
        await Poll.UntilAsync(() => reconciler.Calls.Count == 1 && source.Watching, "the first reconcile");

        source.Push(WatchEventType.Deleted, Objects.ConfigMap("gone", "12", value: "last"));
        await Poll.UntilAsync(() => !deletions.IsEmpty, "the deletion handler runs");

        Assert.Equal("last", deletions.Single().Data["value"]);
        Assert.Single(reconciler.Calls);
    }

    private sealed class CountingFinalizer : IFinalizer<V1ConfigMap>
    {
        private int _calls;

        public string Name => "raftex.io/cleanup";

        public int Calls => Volatile.Read(ref _calls);

        public Task<ReconcileResult> FinalizeAsync(V1ConfigMap resource, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(ReconcileResult.Done);
        }
    }

    private sealed class RecordingDeletionHandler(ConcurrentQueue<V1ConfigMap> deletions) : IDeletionHandler<V1ConfigMap>
    {
        public Task<ReconcileResult> DeletedAsync(V1ConfigMap lastKnown, CancellationToken cancellationToken)
        {
            deletions.Enqueue(lastKnown);
            return Task.FromResult(ReconcileResult.Done);
        }
    }
}

using k8s;
using k8s.Models;
using Raftex.ApiServer;

namespace Raftex.Controllers.Tests;

/// <summary>Status writes, events and finalizers against the in-process API server over HTTP.</summary>
public sealed class ServerWritesIntegrationTests
{
    private static V1Deployment NewDeployment(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "raftex/node:1" }] },
            },
        },
    };

    [Fact]
    public async Task Status_goes_through_the_status_subresource_with_observed_generation_and_survives_a_conflict()
    {
        await using var server = await ApiServerHost.StartAsync();
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        var resources = new KubernetesResourceClient<V1Deployment>(client, "default");
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(NewDeployment("d"), "default");

        // Someone changes the spec after we read: our write conflicts, is retried on a fresh read, and records the
        // generation we reconciled (1), not the newer one we never acted on.
        var stale = await resources.GetAsync(new ObjectKey("default", "d"), CancellationToken.None);
        created.Spec.Replicas = 3;
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "d", "default");
        var writer = new StatusWriter<V1Deployment>(resources);

        var result = await writer.WriteAsync(stale!, d => d.Status = new V1DeploymentStatus { Replicas = 1, ReadyReplicas = 0 }, CancellationToken.None);

        Assert.Equal(StatusWriteOutcome.Written, result.Outcome);
        var stored = await client.AppsV1.ReadNamespacedDeploymentAsync("d", "default");
        Assert.Equal((1, 1L, 2L, 3), (stored.Status.Replicas!.Value, stored.Status.ObservedGeneration!.Value, stored.Metadata.Generation!.Value, stored.Spec.Replicas!.Value));
    }

    [Fact]
    public async Task Repeated_events_are_one_core_v1_event_with_a_count()
    {
        await using var server = await ApiServerHost.StartAsync();
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        var deployment = await client.AppsV1.CreateNamespacedDeploymentAsync(NewDeployment("d"), "default");
        deployment.ApiVersion = "apps/v1";
        deployment.Kind = "Deployment";
        var recorder = new EventRecorder(new KubernetesEventSink(client), "raftex-operator", "op-0");

        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await recorder.RecordAsync(deployment, EventType.Warning, "PodNotReady", "d-0 not ready", CancellationToken.None));
        }

        await recorder.RecordAsync(deployment, EventType.Normal, "Scaled", "1 -> 3", CancellationToken.None);

        var events = (await client.CoreV1.ListNamespacedEventAsync("default")).Items;
        Assert.Equal(2, events.Count);
        var warning = events.Single(e => e.Reason == "PodNotReady");
        Assert.Equal(("Warning", 3, "d", deployment.Metadata.Uid), (warning.Type, warning.Count!.Value, warning.InvolvedObject.Name, warning.InvolvedObject.Uid));
    }

    [Fact]
    public async Task A_finalizer_holds_deletion_until_clean_up_ran_then_the_object_goes()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "guarded" } }, "default");
        var resources = new KubernetesResourceClient<V1ConfigMap>(client, "default");
        var informer = new Informer<V1ConfigMap>("ConfigMap", resources);
        var finalizer = new RecordingFinalizer();
        var controller = new Controller<V1ConfigMap>("ConfigMap", informer, new NoopReconciler()).WithFinalizer(finalizer, resources);
        using var cts = new CancellationTokenSource();
        var running = Task.WhenAll(informer.RunAsync(cts.Token), controller.RunAsync(cts.Token));

        await Poll.UntilAsync(() => informer.Cache.Get(new ObjectKey("default", "guarded"))?.Metadata.Finalizers?.Contains("raftex.io/cleanup") == true, "the finalizer is added");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("guarded", "default");
        await Poll.UntilAsync(() => informer.Cache.Get(new ObjectKey("default", "guarded")) is null, "the object is gone");

        Assert.Equal(["guarded"], finalizer.Finalized);
        await cts.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_reconciler_that_writes_status_every_time_does_not_loop_on_its_own_writes()
    {
        await using var server = await ApiServerHost.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString() });
        var resources = new KubernetesResourceClient<V1Deployment>(client, "default");
        var informer = new Informer<V1Deployment>("Deployment", resources);
        var reconciler = new StatusStampingReconciler(informer, new StatusWriter<V1Deployment>(resources));
        var controller = new Controller<V1Deployment>("Deployment", informer, reconciler, new ControllerOptions { Workers = 1 });
        using var cts = new CancellationTokenSource();
        var running = Task.WhenAll(informer.RunAsync(cts.Token), controller.RunAsync(cts.Token));
        await client.AppsV1.CreateNamespacedDeploymentAsync(NewDeployment("d"), "default");

        // The status write comes back through the watch as a MODIFIED event with the same generation.
        await Poll.UntilAsync(() => informer.Cache.Get(new ObjectKey("default", "d"))?.Status?.ObservedGeneration == 1, "the status write reaches the cache");

        // One worker takes keys in order: once a key queued after that event has run, a reconcile it caused would have too.
        await client.AppsV1.CreateNamespacedDeploymentAsync(NewDeployment("barrier"), "default");
        await Poll.UntilAsync(() => reconciler.Count("barrier") == 1, "the barrier reconcile");
        Assert.Equal(1, reconciler.Count("d"));

        // A spec change still reconciles.
        var d = await client.AppsV1.ReadNamespacedDeploymentAsync("d", "default");
        d.Spec.Replicas = 2;
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "d", "default");
        await Poll.UntilAsync(() => reconciler.Count("d") == 2, "the spec change reconciles");

        await cts.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class StatusStampingReconciler(Informer<V1Deployment> informer, StatusWriter<V1Deployment> writer) : IReconciler
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();

        public int Count(string name) => _counts.GetValueOrDefault(name);

        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            _counts.AddOrUpdate(key.Name, 1, (_, n) => n + 1);
            if (informer.Cache.Get(key) is { } current)
            {
                // A status that differs on every call, as a naive reconciler's would.
                await writer.WriteAsync(current, x => x.Status = new V1DeploymentStatus { Replicas = _counts[key.Name] }, cancellationToken);
            }

            return ReconcileResult.Done;
        }
    }

    private sealed class NoopReconciler : IReconciler
    {
        public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => Task.FromResult(ReconcileResult.Done);
    }

    private sealed class RecordingFinalizer : IFinalizer<V1ConfigMap>
    {
        public string Name => "raftex.io/cleanup";

        public List<string> Finalized { get; } = [];

        public Task<ReconcileResult> FinalizeAsync(V1ConfigMap resource, CancellationToken cancellationToken)
        {
            lock (Finalized)
            {
                Finalized.Add(resource.Metadata.Name);
            }

            return Task.FromResult(ReconcileResult.Done);
        }
    }
}

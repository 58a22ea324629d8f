using System.Net;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Raftex.Controllers.Tests;

public sealed class StatusWriterTests
{
    /// <summary>An in-memory status store with resourceVersion preconditions, as the status subresource has.</summary>
    private sealed class FakeStatusStore : IResourceClient<V1Deployment>
    {
        private int _rv = 1;

        public V1Deployment Stored { get; set; } = Objects.Deployment("d", "1", generation: 3);

        public int Writes { get; private set; }

        public int Conflicts { get; private set; }

        /// <summary>Another writer's change applied to the stored object before our next write lands.</summary>
        public Action<V1Deployment>? Interference { get; set; }

        public Task<V1Deployment?> GetAsync(ObjectKey key, CancellationToken cancellationToken) => Task.FromResult<V1Deployment?>(Objects.Clone(Stored));

        public Task<V1Deployment> ReplaceStatusAsync(V1Deployment obj, CancellationToken cancellationToken)
        {
            if (Interference is { } interfere)
            {
                Interference = null;
                interfere(Stored);
                Stored.Metadata.ResourceVersion = (++_rv).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (obj.Metadata.ResourceVersion != Stored.Metadata.ResourceVersion)
            {
                Conflicts++;
                throw new KubernetesApiException(HttpStatusCode.Conflict, "the object has been modified");
            }

            Writes++;
            Stored.Status = obj.Status;
            Stored.Metadata.ResourceVersion = (++_rv).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(Objects.Clone(Stored));
        }

        public Task<V1Deployment> ReplaceAsync(V1Deployment obj, CancellationToken cancellationToken) => throw new InvalidOperationException("not used");

        public Task<ResourceList<V1Deployment>> ListAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("not used");

        public IAsyncEnumerable<WatchEvent<V1Deployment>> WatchAsync(string resourceVersion, CancellationToken cancellationToken) => throw new InvalidOperationException("not used");
    }

    private static readonly StatusWriterOptions Options = new()
    {
        VolatileFields = new HashSet<string>(StringComparer.Ordinal) { "readyReplicas" },
        VolatileInterval = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task A_write_sets_observed_generation_and_an_identical_status_is_not_written_again()
    {
        var store = new FakeStatusStore();
        var writer = new StatusWriter<V1Deployment>(store, Options);

        var first = await writer.WriteAsync(Objects.Clone(store.Stored), d => d.Status = new V1DeploymentStatus { Replicas = 3 }, CancellationToken.None);
        Assert.Equal(StatusWriteOutcome.Written, first.Outcome);
        Assert.Equal(3, store.Stored.Status.ObservedGeneration);

        var second = await writer.WriteAsync(first.Object!, d => d.Status.Replicas = 3, CancellationToken.None);
        Assert.Equal(StatusWriteOutcome.Unchanged, second.Outcome);
        Assert.Equal(1, store.Writes);
    }

    [Fact]
    public async Task The_mutation_works_on_a_copy_and_never_touches_the_cached_object()
    {
        var store = new FakeStatusStore();
        var cached = Objects.Clone(store.Stored);
        var writer = new StatusWriter<V1Deployment>(store, Options);

        await writer.WriteAsync(cached, d => d.Status = new V1DeploymentStatus { Replicas = 3 }, CancellationToken.None);
        Assert.Null(cached.Status);
    }

    [Fact]
    public async Task A_conflict_re_reads_and_reapplies_the_mutation_keeping_the_other_writers_change()
    {
        var store = new FakeStatusStore();
        store.Stored.Status = new V1DeploymentStatus { Replicas = 1 };
        var stale = Objects.Clone(store.Stored);
        store.Interference = d => d.Status.AvailableReplicas = 7;
        var writer = new StatusWriter<V1Deployment>(store, Options);

        var result = await writer.WriteAsync(stale, d => d.Status.Replicas = 3, CancellationToken.None);

        Assert.Equal(StatusWriteOutcome.Written, result.Outcome);
        Assert.Equal(1, store.Conflicts);
        Assert.Equal((3, 7), (store.Stored.Status.Replicas!.Value, store.Stored.Status.AvailableReplicas!.Value));
    }

    [Fact]
    public async Task Volatile_only_changes_are_written_at_most_once_per_interval_but_other_changes_go_at_once()
    {
        var time = new FakeTimeProvider();
        var store = new FakeStatusStore();
        var writer = new StatusWriter<V1Deployment>(store, Options, time);
        var obj = (await writer.WriteAsync(Objects.Clone(store.Stored), d => d.Status = new V1DeploymentStatus { Replicas = 3, ReadyReplicas = 1 }, CancellationToken.None)).Object!;

        time.Advance(TimeSpan.FromSeconds(4));
        var throttled = await writer.WriteAsync(obj, d => d.Status.ReadyReplicas = 2, CancellationToken.None);
        Assert.Equal(StatusWriteOutcome.Throttled, throttled.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(6), throttled.RetryAfter);
        Assert.Equal(1, store.Writes);

        var important = await writer.WriteAsync(obj, d => { d.Status.ReadyReplicas = 2; d.Status.Replicas = 5; }, CancellationToken.None);
        Assert.Equal(StatusWriteOutcome.Written, important.Outcome);
        Assert.Equal(2, store.Writes);

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(StatusWriteOutcome.Throttled, (await writer.WriteAsync(important.Object!, d => d.Status.ReadyReplicas = 3, CancellationToken.None)).Outcome);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(StatusWriteOutcome.Written, (await writer.WriteAsync(important.Object!, d => d.Status.ReadyReplicas = 3, CancellationToken.None)).Outcome);
        Assert.Equal(3, store.Stored.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Repeated_conflicts_give_up_after_the_configured_retries()
    {
        var store = new AlwaysConflicting();
        var writer = new StatusWriter<V1Deployment>(store, Options with { ConflictRetries = 2 });

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => writer.WriteAsync(Objects.Deployment("d", "1", 1), d => d.Status = new V1DeploymentStatus { Replicas = 1 }, CancellationToken.None));
        Assert.True(error.IsConflict);
        Assert.Equal(3, store.Attempts);
    }

    private sealed class AlwaysConflicting : IResourceClient<V1Deployment>
    {
        public int Attempts { get; private set; }

        public Task<V1Deployment?> GetAsync(ObjectKey key, CancellationToken cancellationToken) => Task.FromResult<V1Deployment?>(Objects.Deployment("d", "1", 1));

        public Task<V1Deployment> ReplaceStatusAsync(V1Deployment obj, CancellationToken cancellationToken)
        {
            Attempts++;
            throw new KubernetesApiException(HttpStatusCode.Conflict, "conflict");
        }

        public Task<V1Deployment> ReplaceAsync(V1Deployment obj, CancellationToken cancellationToken) => throw new InvalidOperationException("not used");

        public Task<ResourceList<V1Deployment>> ListAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("not used");

        public IAsyncEnumerable<WatchEvent<V1Deployment>> WatchAsync(string resourceVersion, CancellationToken cancellationToken) => throw new InvalidOperationException("not used");
    }
}

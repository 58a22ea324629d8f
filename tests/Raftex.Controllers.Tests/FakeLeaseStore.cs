using System.Globalization;
using System.Net;
using k8s.Models;

namespace Raftex.Controllers.Tests;

/// <summary>A fake Lease API shared by several replicas; each replica's view can be made to fail or hang.</summary>
internal sealed class FakeLeaseStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Reach> _reach = [];
    private readonly Dictionary<string, int> _hanging = [];
    private readonly Dictionary<string, TaskCompletionSource> _release = [];
    private V1Lease? _lease;
    private int _rv;

    public enum Reach
    {
        Healthy,
        Failing,
        Hanging,
    }

    public V1Lease? Lease
    {
        get
        {
            lock (_lock)
            {
                return _lease is null ? null : Copy(_lease);
            }
        }
    }

    public int Writes { get; private set; }

    public void Set(string identity, Reach reach)
    {
        lock (_lock)
        {
            _reach[identity] = reach;
            if (reach != Reach.Hanging && _release.Remove(identity, out var release))
            {
                // A hung request is not lost: it reaches the server late, as a delayed packet would.
                // Released calls are in flight again, no longer hanging: waiting for "settled" must wait for them.
                _hanging[identity] = 0;
                release.TrySetResult();
            }
        }
    }

    public int HangingCalls(string identity)
    {
        lock (_lock)
        {
            return _hanging.GetValueOrDefault(identity);
        }
    }

    public ILeaseClient For(string identity) => new View(this, identity);

    private static V1Lease Copy(V1Lease lease) => k8s.KubernetesJson.Deserialize<V1Lease>(k8s.KubernetesJson.Serialize(lease));

    private async Task<V1Lease?> CallAsync(string identity, Func<V1Lease?> op, CancellationToken cancellationToken)
    {
        Reach reach;
        Task released = Task.CompletedTask;
        lock (_lock)
        {
            reach = _reach.GetValueOrDefault(identity);
            if (reach == Reach.Hanging)
            {
                _hanging[identity] = _hanging.GetValueOrDefault(identity) + 1;
                if (!_release.TryGetValue(identity, out var release))
                {
                    _release[identity] = release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                released = release.Task;
            }
        }

        if (reach == Reach.Failing)
        {
            throw new HttpRequestException("connection refused");
        }

        if (reach == Reach.Hanging)
        {
            try
            {
                await released.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lock (_lock)
                {
                    if (!released.IsCompletedSuccessfully)
                    {
                        _hanging[identity] = Math.Max(0, _hanging[identity] - 1);
                    }
                }
            }
        }

        lock (_lock)
        {
            return op();
        }
    }

    private sealed class View(FakeLeaseStore store, string identity) : ILeaseClient
    {
        public Task<V1Lease?> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
            store.CallAsync(identity, () => store._lease is null ? null : Copy(store._lease), cancellationToken);

        public async Task<V1Lease> CreateAsync(V1Lease lease, CancellationToken cancellationToken) =>
            (await store.CallAsync(
                identity,
                () =>
                {
                    if (store._lease is not null)
                    {
                        throw new KubernetesApiException(HttpStatusCode.Conflict, "already exists");
                    }

                    return store.Store(lease);
                },
                cancellationToken))!;

        public async Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken) =>
            (await store.CallAsync(
                identity,
                () =>
                {
                    if (store._lease?.Metadata.ResourceVersion != lease.Metadata.ResourceVersion)
                    {
                        throw new KubernetesApiException(HttpStatusCode.Conflict, "the object has been modified");
                    }

                    return store.Store(lease);
                },
                cancellationToken))!;
    }

    private V1Lease Store(V1Lease lease)
    {
        var stored = Copy(lease);
        stored.Metadata.ResourceVersion = (++_rv).ToString(CultureInfo.InvariantCulture);
        _lease = stored;
        Writes++;
        return Copy(stored);
    }
}

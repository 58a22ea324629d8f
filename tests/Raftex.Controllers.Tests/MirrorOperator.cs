using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Controllers.Tests;

/// <summary>
/// A small operator used by the integration tests, run against the in-process API server over HTTP: for every
/// ConfigMap labelled app=src it keeps a ConfigMap "&lt;name&gt;-mirror" (labelled app=mirror, owned by the source)
/// with the same data. One instance is one operator replica.
/// </summary>
internal sealed class MirrorOperator : IAsyncDisposable
{
    private static readonly InformerOptions Quick = new() { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(500) };
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _tasks = [];

    public MirrorOperator(Uri server, string replica, ActivityLog log)
    {
        Replica = replica;
        Client = new Kubernetes(new KubernetesClientConfiguration { Host = server.ToString() });
        Sources = new Informer<V1ConfigMap>("ConfigMap", new KubernetesResourceClient<V1ConfigMap>(Client, "default", "app=src"), Quick);
        Mirrors = new Informer<V1ConfigMap>("ConfigMap", new KubernetesResourceClient<V1ConfigMap>(Client, "default", "app=mirror"), Quick);
        Controller = new Controller<V1ConfigMap>("ConfigMap", Sources, new MirrorReconciler(this, log), new ControllerOptions { Workers = 2, BackoffBase = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(500) })
            .Owns(Mirrors, "ConfigMap");
    }

    public string Replica { get; }

    public Kubernetes Client { get; }

    public Informer<V1ConfigMap> Sources { get; }

    public Informer<V1ConfigMap> Mirrors { get; }

    public Controller<V1ConfigMap> Controller { get; }

    public LeaderElector? Elector { get; private set; }

    /// <summary>Runs informers and the controller without leader election.</summary>
    public void Start()
    {
        StartInformers();
        _tasks.Add(Controller.RunAsync(_cts.Token));
    }

    /// <summary>Runs informers always, and the controller only while this replica leads.</summary>
    public void StartWithLeaderElection(ILeaseClient leases, ActivityLog log)
    {
        Elector = new LeaderElector(
            leases,
            new LeaderElectionOptions
            {
                Namespace = "default",
                LeaseName = "mirror-operator",
                Identity = Replica,
                LeaseDuration = TimeSpan.FromSeconds(2),
                RenewDeadline = TimeSpan.FromSeconds(1),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            });
        Elector.LeadershipChanged += leading => log.Record(leading ? "lead" : "stop", Replica);
        StartInformers();
        _tasks.Add(Elector.RunAsync(Controller.RunAsync, _cts.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(20));
        _cts.Dispose();
        Client.Dispose();
    }

    private void StartInformers()
    {
        _tasks.Add(Sources.RunAsync(_cts.Token));
        _tasks.Add(Mirrors.RunAsync(_cts.Token));
    }

    private sealed class MirrorReconciler(MirrorOperator op, ActivityLog log) : IReconciler
    {
        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            using var _ = log.Reconciling(op.Replica);
            var source = op.Sources.Cache.Get(key);
            if (source is null)
            {
                return ReconcileResult.Done; // the server's garbage collector removes the owned mirror
            }

            var mirrorKey = key with { Name = key.Name + "-mirror" };
            var mirror = op.Mirrors.Cache.Get(mirrorKey);
            try
            {
                if (mirror is null)
                {
                    await op.Client.CoreV1.CreateNamespacedConfigMapAsync(
                        new V1ConfigMap
                        {
                            Metadata = new V1ObjectMeta
                            {
                                Name = mirrorKey.Name,
                                NamespaceProperty = key.Namespace,
                                Labels = new Dictionary<string, string> { ["app"] = "mirror" },
                                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = source.Metadata.Name, Uid = source.Metadata.Uid, Controller = true }],
                            },
                            Data = source.Data,
                        },
                        key.Namespace,
                        cancellationToken: cancellationToken);
                }
                else if (!SameData(mirror.Data, source.Data))
                {
                    // Replace a copy, never the cached instance; its resourceVersion makes a stale cache a 409.
                    var update = KubernetesJson.Deserialize<V1ConfigMap>(KubernetesJson.Serialize(mirror));
                    update.Data = source.Data;
                    await op.Client.CoreV1.ReplaceNamespacedConfigMapAsync(update, update.Metadata.Name, key.Namespace, cancellationToken: cancellationToken);
                }
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return ReconcileResult.Error("cache behind the server; retrying");
            }

            return ReconcileResult.Done;
        }

        private static bool SameData(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
            (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value));
    }
}

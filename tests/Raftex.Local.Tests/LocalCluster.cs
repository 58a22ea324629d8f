using k8s;
using k8s.Models;
using Raftex.ApiServer;

namespace Raftex.Local.Tests;

/// <summary>An embedded API server with the StatefulSet controller running against it over HTTP.</summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _controller;

    private LocalCluster(ApiServerHost host, bool run)
    {
        Host = host;
        Client = new Kubernetes(new KubernetesClientConfiguration { Host = host.Url.ToString() });
        var controllerClient = new Kubernetes(new KubernetesClientConfiguration { Host = host.Url.ToString() });
        var controller = new StatefulSetController(controllerClient, new StatefulSetControllerOptions { ResyncInterval = TimeSpan.FromMilliseconds(500) });
        Controller = controller;
        if (!run)
        {
            _controller = Task.CompletedTask;
            return;
        }

        _controller = Task.Run(async () =>
        {
            try
            {
                await controller.RunAsync(_stop.Token);
            }
            finally
            {
                controllerClient.Dispose();
            }
        });
    }

    public ApiServerHost Host { get; }

    public Kubernetes Client { get; }

    /// <summary>The controller; when started with run: false, tests drive it pass by pass with ReconcileAllAsync.</summary>
    public StatefulSetController Controller { get; }

    public static async Task<LocalCluster> StartAsync(bool run = true) => new(await ApiServerHost.StartAsync(), run);

    public async Task<List<V1Pod>> PodsAsync(string set) =>
        (await Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"app={set}")).Items.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();

    public async Task<List<string>> PodNamesAsync(string set) =>
        (await PodsAsync(set)).Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).ToList();

    public Task<V1StatefulSet> SetAsync(string name) => Client.AppsV1.ReadNamespacedStatefulSetAsync(name, "default");

    public async Task ReadyAllAsync(string set)
    {
        foreach (var pod in await PodsAsync(set))
        {
            if (!PodReadiness.IsReady(pod))
            {
                await PodReadiness.SetAsync(Client, "default", pod.Metadata.Name, ready: true);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _controller;
        Client.Dispose();
        await Host.DisposeAsync();
        _stop.Dispose();
    }
}

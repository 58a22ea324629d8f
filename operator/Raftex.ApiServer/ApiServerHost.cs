using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Raftex.ApiServer;

/// <summary>An embedded Kubernetes-compatible API server on 127.0.0.1 over plain HTTP, with its in-memory store.</summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly ApiServerOptions _options;
    private readonly ClusterApi _api;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private WebApplication? _app;

    private ApiServerHost(ApiServerOptions options)
    {
        _options = options;
        _api = new ClusterApi(NewStore(options), new ResourceRegistry(), options);
        SeedNamespaces();
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:41234.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The bound port (stays the same across restarts).</summary>
    public int Port { get; private set; }

    /// <summary>Whether the server is currently accepting requests.</summary>
    public bool IsRunning => _app is not null;

    /// <summary>Starts a server (Port 0 binds a free port) and returns once it accepts connections.</summary>
    public static async Task<ApiServerHost> StartAsync(ApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var host = new ApiServerHost(options ?? new ApiServerOptions());
        await host.ListenAsync(host._options.Port, cancellationToken).ConfigureAwait(false);
        return host;
    }

    private static ResourceStore NewStore(ApiServerOptions options) => new(options.WatchHistoryLimit);

    private void SeedNamespaces()
    {
        var nsType = _api.Registry.FindAnyVersion(ResourceRegistry.Namespaces)!;
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            _api.Create(nsType, "", new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = ns } });
        }
    }

    private async Task ListenAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var handler = new ApiRequestHandler(_api, _options);
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        Url = new Uri($"http://127.0.0.1:{Port}/");
        _app = app;
    }

    /// <summary>Stops serving: open watches end, new connections are refused. The store is kept.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        if (_app is not { } app)
        {
            return;
        }

        _app = null;

        // Watches are endless requests: keep closing them until Kestrel has stopped, so a watch that registers while
        // shutdown is under way cannot hold it up for the whole shutdown timeout.
        var stopping = app.StopAsync(cancellationToken);
        while (!stopping.IsCompleted)
        {
            DropWatches();
            await Task.WhenAny(stopping, Task.Delay(50, cancellationToken)).ConfigureAwait(false);
        }

        await stopping.ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Simulates an apiserver restart on the same port: watches are dropped, and either the data survives (as etcd
    /// keeps it; the watch window restarts at the current resourceVersion, so resuming from an older one gets 410 Gone)
    /// or everything is lost (a fresh, empty cluster whose resourceVersions continue upward).
    /// </summary>
    public async Task RestartAsync(bool keepData = true, CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopCoreAsync(cancellationToken).ConfigureAwait(false);
            var store = _api.Store;
            lock (store.Sync)
            {
                if (keepData)
                {
                    store.ForgetHistory();
                }
                else
                {
                    store.Wipe();
                }
            }

            if (!keepData)
            {
                _api.Registry.Clear();
                SeedNamespaces();
            }

            await ListenAsync(Port, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Ends every open watch stream at once (clients see the stream close and must re-watch); returns how many were open.</summary>
    public int DropWatches()
    {
        var store = _api.Store;
        lock (store.Sync)
        {
            return store.CloseWatchers();
        }
    }

    /// <summary>How many watch streams are open now (tests wait on it to know a client is watching).</summary>
    public int OpenWatchCount
    {
        get
        {
            var store = _api.Store;
            lock (store.Sync)
            {
                return store.WatcherCount;
            }
        }
    }

    /// <summary>The last resourceVersion the server handed out.</summary>
    public long ResourceVersion
    {
        get
        {
            var store = _api.Store;
            lock (store.Sync)
            {
                return store.ResourceVersion;
            }
        }
    }

    /// <summary>Writes a kubeconfig whose current context points at this server (for kubectl and KubernetesClient); returns the path.</summary>
    public string WriteKubeconfig(string path, string contextName = "raftex-local", string defaultNamespace = "default")
    {
        File.WriteAllText(path, Kubeconfig.Render(Url, contextName, defaultNamespace));
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _lifecycle.Dispose();
    }
}

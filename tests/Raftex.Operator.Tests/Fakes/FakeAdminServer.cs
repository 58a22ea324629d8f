using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Raftex.Operator.Tests.Fakes;

/// <summary>
/// Real gRPC over HTTP/2 on 127.0.0.1, serving the Admin API of a <see cref="FakeRaftCluster"/>:
/// one listening port per node slot (node id = slot + 1), so each simulated node has its own address.
/// </summary>
internal sealed class FakeAdminServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<int, ulong> _nodeByPort = [];
    private readonly Dictionary<ulong, Uri> _addressByNode = [];
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource> _stalls = new();

    private FakeAdminServer(FakeRaftCluster cluster, WebApplication app)
    {
        Cluster = cluster;
        _app = app;
    }

    public FakeRaftCluster Cluster { get; }

    public static async Task<FakeAdminServer> StartAsync(FakeRaftCluster cluster, int slots = 9)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            for (var i = 0; i < slots; i++)
            {
                k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
            }
        });
        builder.Services.AddGrpc();
        FakeAdminServer? self = null;
        builder.Services.AddSingleton(_ => self!);
        var app = builder.Build();
        self = new FakeAdminServer(cluster, app);
        app.MapGrpcService<FakeAdminService>();
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).OrderBy(u => u.Port).ToList();
        for (var i = 0; i < addresses.Count; i++)
        {
            var nodeId = (ulong)i + 1;
            self._nodeByPort[addresses[i].Port] = nodeId;
            self._addressByNode[nodeId] = addresses[i];
        }

        return self;
    }

    /// <summary>What StreamSnapshot serves (every node streams the same state); null: the call fails with UNAVAILABLE.</summary>
    public FakeSnapshot? Snapshot { get; set; }

    /// <summary>When set, every call must carry <c>authorization: Bearer</c> with this token.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>The admin endpoint of a node.</summary>
    public Uri AddressOf(ulong nodeId) => _addressByNode[nodeId];

    public ulong NodeAtPort(int port) => _nodeByPort[port];

    /// <summary>Calls to the node hang until <see cref="Release"/> or until the caller gives up.</summary>
    public void Stall(ulong nodeId) => _stalls.TryAdd(nodeId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release(ulong nodeId)
    {
        if (_stalls.TryRemove(nodeId, out var gate)) { gate.TrySetResult(); }
    }

    public Task WaitWhileStalled(ulong nodeId, CancellationToken cancellationToken) =>
        _stalls.TryGetValue(nodeId, out var gate) ? gate.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _stalls.Keys) { Release(node); }
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

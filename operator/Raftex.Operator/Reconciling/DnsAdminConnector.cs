using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Raftex.Client;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Reconciling;

/// <summary>Reaches a pod's admin port through its stable DNS name behind the headless Service, optionally with the admin bearer token.</summary>
public sealed class DnsAdminConnector(TimeSpan timeout, string? bearerToken = null) : IAdminConnector, IDisposable
{
    private readonly ConcurrentDictionary<Uri, Lazy<Endpoint>> _endpoints = new();
    private readonly Metadata? _headers = bearerToken is null ? null : new Metadata { { "authorization", "Bearer " + bearerToken } };

    public IAdminClient For(ExchangeCluster cluster, int ordinal) => EndpointOf(cluster, ordinal).Client;

    public AdminStub StubFor(ExchangeCluster cluster, int ordinal) => new(EndpointOf(cluster, ordinal).Stub, _headers);

    public void Dispose()
    {
        foreach (var endpoint in _endpoints.Values.Where(e => e.IsValueCreated))
        {
            endpoint.Value.Channel.Dispose();
        }
    }

    private Endpoint EndpointOf(ExchangeCluster cluster, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = ClusterSettings.From(cluster.Spec);
        var host = ChildNames.PodHost(cluster.Metadata.Name, cluster.Metadata.NamespaceProperty, ordinal);
        var uri = new Uri($"http://{host}:{settings.AdminPort}");
        // Lazy: two workers asking for one pod at once must not open two channels and leak one.
        return _endpoints.GetOrAdd(uri, u => new Lazy<Endpoint>(() =>
        {
            var channel = GrpcChannel.ForAddress(u);
            var invoker = channel.CreateCallInvoker();
            return new Endpoint(channel, new AdminClient(invoker, timeout, bearerToken: bearerToken), new Admin.AdminClient(invoker));
        })).Value;
    }

    private sealed record Endpoint(GrpcChannel Channel, AdminClient Client, Admin.AdminClient Stub);
}

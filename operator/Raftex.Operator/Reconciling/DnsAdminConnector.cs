using System.Collections.Concurrent;
using Raftex.Client;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;

namespace Raftex.Operator.Reconciling;

/// <summary>Reaches a pod's admin port through its stable DNS name behind the headless Service, optionally with the admin bearer token.</summary>
public sealed class DnsAdminConnector(TimeSpan timeout, string? bearerToken = null) : IAdminConnector, IDisposable
{
    private readonly ConcurrentDictionary<Uri, AdminClient> _clients = new();

    public IAdminClient For(ExchangeCluster cluster, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = ClusterSettings.From(cluster.Spec);
        var host = ChildNames.PodHost(cluster.Metadata.Name, cluster.Metadata.NamespaceProperty, ordinal);
        var uri = new Uri($"http://{host}:{settings.AdminPort}");
        return _clients.GetOrAdd(uri, u => AdminClient.Connect(u, timeout, bearerToken: bearerToken));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}

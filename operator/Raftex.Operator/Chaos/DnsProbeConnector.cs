using System.Collections.Concurrent;
using Raftex.Chaos;
using Raftex.Client;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;

namespace Raftex.Operator.Chaos;

/// <summary>Probes a cluster through its client Service, with short retry budgets so one operator step stays short.</summary>
public sealed class DnsProbeConnector(string? clientToken = null) : IProbeConnector, IDisposable
{
    private readonly ConcurrentDictionary<string, ExchangeClient> _clients = new();

    public IProbeLedger For(ExchangeCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = ClusterSettings.From(cluster.Spec);
        var address = $"{ChildNames.ClientService(cluster.Metadata.Name)}.{cluster.Metadata.NamespaceProperty}.svc:{settings.ClientPort}";
        return new ExchangeProbeLedger(_clients.GetOrAdd(address, a => new ExchangeClient(new ExchangeClientOptions
        {
            Addresses = [a],
            Token = clientToken,
            AttemptTimeout = TimeSpan.FromSeconds(1),
            RetryBudget = TimeSpan.FromSeconds(3),
        })));
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values)
        {
            c.Dispose();
        }
    }
}

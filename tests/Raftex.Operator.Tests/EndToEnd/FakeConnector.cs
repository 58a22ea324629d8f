using System.Collections.Concurrent;
using Raftex.Client;
using Raftex.Operator.Api;
using Raftex.Operator.Reconciling;
using Raftex.Operator.Tests.Fakes;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>Routes the operator's Admin calls for pod ordinal N to fake node N+1 on the fake server.</summary>
internal sealed class FakeConnector(FakeAdminServer server) : IAdminConnector, IDisposable
{
    private readonly ConcurrentDictionary<int, AdminClient> _clients = new();

    public IAdminClient For(ExchangeCluster cluster, int ordinal) =>
        _clients.GetOrAdd(ordinal, o => AdminClient.Connect(server.AddressOf((ulong)o + 1), TimeSpan.FromSeconds(5)));

    public void Dispose()
    {
        foreach (var c in _clients.Values) { c.Dispose(); }
    }
}

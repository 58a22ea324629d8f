using System.Collections.Concurrent;
using Grpc.Net.Client;
using Raftex.Protocol.V1;
using Raftex.Client;
using Raftex.Operator.Api;
using Raftex.Operator.Reconciling;
using Raftex.Operator.Tests.Fakes;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>Routes the operator's Admin calls for pod ordinal N to fake node N+1 on the fake server.</summary>
internal sealed class FakeConnector(FakeAdminServer server) : IAdminConnector, IDisposable
{
    private readonly ConcurrentDictionary<int, AdminClient> _clients = new();
    private readonly ConcurrentDictionary<int, GrpcChannel> _channels = new();

    public IAdminClient For(ExchangeCluster cluster, int ordinal) =>
        _clients.GetOrAdd(ordinal, o => AdminClient.Connect(server.AddressOf((ulong)o + 1), TimeSpan.FromSeconds(5)));

    public AdminStub StubFor(ExchangeCluster cluster, int ordinal) =>
        new(new Admin.AdminClient(_channels.GetOrAdd(ordinal, o => GrpcChannel.ForAddress(server.AddressOf((ulong)o + 1)))), null);

    public void Dispose()
    {
        foreach (var c in _clients.Values) { c.Dispose(); }
        foreach (var c in _channels.Values) { c.Dispose(); }
    }
}

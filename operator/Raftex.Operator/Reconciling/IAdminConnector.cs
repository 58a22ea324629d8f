using Raftex.Client;
using Raftex.Operator.Api;

namespace Raftex.Operator.Reconciling;

/// <summary>Finds the Admin endpoint of one pod of a cluster.</summary>
public interface IAdminConnector
{
    /// <summary>An Admin client for the pod with <paramref name="ordinal"/> (the connector owns and caches it).</summary>
    IAdminClient For(ExchangeCluster cluster, int ordinal);

    /// <summary>The raw Admin stub of the same pod, over the same channel, for <c>StreamSnapshot</c>.</summary>
    AdminStub StubFor(ExchangeCluster cluster, int ordinal);
}

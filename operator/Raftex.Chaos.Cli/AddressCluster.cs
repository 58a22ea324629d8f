using System.Collections.Concurrent;
using Raftex.Client;

namespace Raftex.Chaos.Cli;

/// <summary>
/// A cluster known only by node addresses. A member's pod name is <c>clusterRef-(nodeId-1)</c>, the name its pod has
/// under the operator, so one YAML with explicit pods runs in both places. A node that answered once stays a member
/// while it is down, so healing still reaches it when it is back.
/// </summary>
internal sealed class AddressCluster(string clusterRef, IReadOnlyList<string> adminAddresses, IProbeLedger probe, TimeSpan adminTimeout, string? adminToken) : IChaosCluster, IDisposable
{
    private readonly ConcurrentDictionary<string, AdminClient> _clients = new();
    private readonly ConcurrentDictionary<string, long> _nodeIds = new();

    public IProbeLedger Probe => probe;

    public async Task<IReadOnlyList<ChaosMember>> MembersAsync(CancellationToken cancellationToken)
    {
        var members = new List<ChaosMember>();
        foreach (var address in adminAddresses)
        {
            var admin = _clients.GetOrAdd(address, a => AdminClient.Connect(new Uri($"http://{a}"), adminTimeout, bearerToken: adminToken));
            if (!_nodeIds.TryGetValue(address, out var id))
            {
                var status = await admin.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                if (status.Value is not { } s)
                {
                    continue;
                }

                id = _nodeIds[address] = (long)s.NodeId;
            }

            members.Add(new ChaosMember(PodName(clusterRef, id), id, admin));
        }

        return members.OrderBy(m => m.NodeId).ToList();
    }

    public Task<(bool Done, string Detail)> DeletePodAsync(ChaosMember member, int gracePeriodSeconds, CancellationToken cancellationToken) =>
        Task.FromResult((false, "podKill.method Delete needs Kubernetes; without it use method Crash"));

    /// <summary>The pod name the operator gives node <paramref name="nodeId"/> of <paramref name="clusterRef"/>.</summary>
    public static string PodName(string clusterRef, long nodeId) => $"{clusterRef}-{nodeId - 1}";

    public void Dispose()
    {
        foreach (var c in _clients.Values)
        {
            c.Dispose();
        }
    }
}

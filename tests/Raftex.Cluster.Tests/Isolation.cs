using Google.Protobuf.WellKnownTypes;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>Cuts one node off from the others through their transport faults (both directions), and heals it.</summary>
internal static class Isolation
{
    /// <summary>Makes every node in <paramref name="others"/> drop all traffic to and from <paramref name="node"/> (for at most <see cref="TestCluster.Converge"/>).</summary>
    public static async Task IsolateAsync(TestCluster cluster, long node, IEnumerable<long> others)
    {
        var isolate = new Fault
        {
            Isolate = new IsolateFault { PeerNodeIds = { (ulong)node }, Direction = FaultDirection.Both },
            Duration = Duration.FromTimeSpan(TestCluster.Converge),
        };
        foreach (var id in others)
        {
            Assert.True((await cluster.Admin(id).SetFaultsAsync([isolate])).IsOk);
        }
    }

    /// <summary>Clears the faults of every node in <paramref name="others"/>.</summary>
    public static async Task HealAsync(TestCluster cluster, IEnumerable<long> others)
    {
        foreach (var id in others)
        {
            Assert.True((await cluster.Admin(id).ClearFaultsAsync()).IsOk);
        }
    }
}

using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.Local;
using Raftex.Operator.Tests.Fakes;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// The platform under the operator in tests: the shared StatefulSet controller (operator/Raftex.Local) keeps the pods,
/// and this kubelet stand-in starts a fake Raft node for each new pod (a new pod UID is a restart), stops the nodes
/// whose pods are gone, restarts crashed nodes in place, and sets each pod's Ready condition from its node's readiness.
/// </summary>
internal sealed class LocalPlatform(IKubernetes kube, FakeRaftCluster raft, string ns, string name)
{
    private readonly StatefulSetController _controller = new(kube, new StatefulSetControllerOptions { Namespace = ns });
    private readonly Dictionary<int, string> _running = [];

    /// <summary>Node ids whose replication is held back (they never catch up, so they never become ready).</summary>
    public HashSet<ulong> Stuck { get; } = [];

    public async Task SyncAsync()
    {
        await _controller.ReconcileAllAsync();
        var pods = (await kube.CoreV1.ListNamespacedPodAsync(ns)).Items
            .Where(p => p.Metadata.Name.StartsWith(name + "-", StringComparison.Ordinal) && p.Metadata.DeletionTimestamp is null)
            .ToDictionary(p => int.Parse(p.Metadata.Name[(name.Length + 1)..], CultureInfo.InvariantCulture));
        if (pods.Count > 0)
        {
            // Nodes read their cluster id from the ConfigMap the operator wrote before the first pod.
            V1ConfigMap config;
            try
            {
                config = await kube.CoreV1.ReadNamespacedConfigMapAsync(name + "-config", ns);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new InvalidOperationException("pods started before the cluster id was recorded");
            }

            raft.ClusterId = Raftex.Operator.Builders.ConfigMapBuilder.ClusterIdOf(config) ?? throw new InvalidOperationException("pods started before the cluster id was recorded");
        }

        foreach (var ordinal in _running.Keys.Where(o => !pods.ContainsKey(o)).ToList())
        {
            _running.Remove(ordinal);
            raft.SetUp((ulong)ordinal + 1, false);
        }

        foreach (var (ordinal, pod) in pods.OrderBy(p => p.Key))
        {
            if (_running.TryGetValue(ordinal, out var uid) && uid == pod.Metadata.Uid)
            {
                continue;
            }

            var nodeId = (ulong)ordinal + 1;
            if (raft.HasNode(nodeId)) { raft.SetUp(nodeId, false); }
            raft.Note($"PodCreated({ordinal})");
            if (!raft.HasNode(nodeId)) { raft.AddNode(nodeId); }
            raft.SetUp(nodeId, true);
            _running[ordinal] = pod.Metadata.Uid;
        }

        raft.Replicate(Stuck);

        // A process that crashed restarts in its pod (same pod, same disk), as the kubelet restarts an exited container;
        // after the election above, so a survivor leads, as it would while the crashed node was down.
        foreach (var nodeId in raft.RestartCrashed())
        {
            raft.Note($"ContainerRestarted({nodeId - 1})");
        }

        foreach (var (ordinal, pod) in pods)
        {
            var nodeId = (ulong)ordinal + 1;
            var ready = Answers(nodeId) is { Ready: true } && !Stuck.Contains(nodeId);
            if (PodReadiness.IsReady(pod) != ready || pod.Status?.Phase != "Running")
            {
                try
                {
                    await PodReadiness.SetAsync(kube, ns, pod.Metadata.Name, ready);
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    // Evicted by a concurrently running operator since the list; the next sync sees it gone.
                }
            }
        }
    }

    // A node that does not answer (down with its volume, say) runs in a pod that is not ready.
    private Raftex.Protocol.V1.NodeStatus? Answers(ulong nodeId)
    {
        try
        {
            return raft.GetStatus(nodeId, 0);
        }
        catch (Grpc.Core.RpcException)
        {
            return null;
        }
    }
}

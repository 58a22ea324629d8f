using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.Operator.Tests.Fakes;

namespace Raftex.Operator.Tests.EndToEnd;

/// <summary>
/// Stands in for the StatefulSet controller and the kubelet in operator tests: keeps pods 0..replicas-1 in
/// existence (recreating evicted ones from the current template, OnDelete style), deletes surplus pods,
/// starts and stops the matching fake Raft nodes, and sets each pod's Ready condition from the node's readiness.
/// </summary>
internal sealed class StatefulSetSimulator(IKubernetes kube, FakeRaftCluster raft, string ns, string name)
{
    /// <summary>Node ids whose replication is held back (they never catch up, so they never become ready).</summary>
    public HashSet<ulong> Stuck { get; } = [];

    public async Task SyncAsync()
    {
        V1StatefulSet sts;
        try
        {
            sts = await kube.AppsV1.ReadNamespacedStatefulSetAsync(name, ns);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        // Nodes read their cluster id from the ConfigMap the operator wrote before the first pod.
        var config = await kube.CoreV1.ReadNamespacedConfigMapAsync(name + "-config", ns);
        raft.ClusterId = Raftex.Operator.Builders.ConfigMapBuilder.ClusterIdOf(config) ?? throw new InvalidOperationException("pods started before the cluster id was recorded");
        var replicas = sts.Spec.Replicas ?? 0;
        var pods = (await kube.CoreV1.ListNamespacedPodAsync(ns)).Items
            .Where(p => p.Metadata.Name.StartsWith(name + "-", StringComparison.Ordinal))
            .ToDictionary(p => int.Parse(p.Metadata.Name[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture));

        for (var ordinal = 0; ordinal < 16; ordinal++)
        {
            var nodeId = (ulong)ordinal + 1;
            if (ordinal >= replicas)
            {
                if (pods.TryGetValue(ordinal, out var surplus))
                {
                    await kube.CoreV1.DeleteNamespacedPodAsync(surplus.Metadata.Name, ns);
                    pods.Remove(ordinal);
                    raft.Note($"PodDeleted({ordinal})");
                }

                if (raft.HasNode(nodeId)) { raft.SetUp(nodeId, false); }
                continue;
            }

            if (!pods.ContainsKey(ordinal))
            {
                if (raft.HasNode(nodeId)) { raft.SetUp(nodeId, false); }
                raft.Note($"PodCreated({ordinal})");
                var pod = new V1Pod
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = $"{name}-{ordinal}",
                        NamespaceProperty = ns,
                        Labels = new Dictionary<string, string>(sts.Spec.Template.Metadata.Labels),
                        Annotations = sts.Spec.Template.Metadata.Annotations is null ? null : new Dictionary<string, string>(sts.Spec.Template.Metadata.Annotations),
                        OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = name, Uid = sts.Metadata.Uid, Controller = true }],
                    },
                    Spec = sts.Spec.Template.Spec,
                };
                pods[ordinal] = await kube.CoreV1.CreateNamespacedPodAsync(pod, ns);
                if (!raft.HasNode(nodeId)) { raft.AddNode(nodeId); }
                raft.SetUp(nodeId, true);
            }
        }

        raft.Replicate(Stuck);

        foreach (var (ordinal, pod) in pods)
        {
            var nodeId = (ulong)ordinal + 1;
            var ready = raft.GetStatus(nodeId, 0).Ready && !Stuck.Contains(nodeId);
            var current = pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
            if (current == ready && pod.Status?.Phase == "Running")
            {
                continue;
            }

            var fresh = await kube.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, ns);
            fresh.Status = new V1PodStatus
            {
                Phase = "Running",
                Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            };
            await kube.CoreV1.ReplaceNamespacedPodStatusAsync(fresh, fresh.Metadata.Name, ns);
        }
    }
}

using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.Chaos;
using Raftex.Operator.Api;
using Raftex.Operator.Builders;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Chaos;

/// <summary>An ExchangeCluster's pods as chaos members: pod name, node id (ordinal + 1) and the pod's Admin endpoint.</summary>
public sealed class PodChaosCluster(IKubernetes kube, IAdminConnector admin, ExchangeCluster cluster, IProbeLedger probe) : IChaosCluster
{
    public IProbeLedger Probe => probe;

    public async Task<IReadOnlyList<ChaosMember>> MembersAsync(CancellationToken cancellationToken)
    {
        var name = cluster.Metadata.Name;
        var pods = await kube.CoreV1.ListNamespacedPodAsync(cluster.Metadata.NamespaceProperty, labelSelector: ChildLabels.SelectorString(name), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return pods.Items
            .Where(p => p.Metadata.DeletionTimestamp is null)
            .Select(p => (Pod: p.Metadata.Name, Ordinal: ChildNames.OrdinalOf(name, p.Metadata.Name)))
            .Where(p => p.Ordinal is not null)
            .OrderBy(p => p.Ordinal)
            .Select(p => new ChaosMember(p.Pod, (long)ChildNames.NodeId(p.Ordinal!.Value), admin.For(cluster, p.Ordinal.Value)))
            .ToList();
    }

    public async Task<(bool Done, string Detail)> DeletePodAsync(ChaosMember member, int gracePeriodSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        // Never a force delete (grace 0): the StatefulSet must not start a second pod for one identity while the first may still run.
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriodSeconds, 1);
        try
        {
            await kube.CoreV1.DeleteNamespacedPodAsync(member.Pod, cluster.Metadata.NamespaceProperty,
                new V1DeleteOptions { GracePeriodSeconds = gracePeriodSeconds }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (true, string.Empty);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return (false, $"pod {member.Pod} not found");
        }
    }
}

using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Raftex.Operator.Api;

namespace Raftex.Operator.Reconciling;

/// <summary>Records Kubernetes Events about an ExchangeCluster; a failure to record never fails a reconcile.</summary>
public sealed class ClusterEvents(IKubernetes kube, TimeProvider time, ILogger logger)
{
    /// <summary>Records one Event (Normal or Warning) on <paramref name="cluster"/>.</summary>
    public async Task RecordAsync(ExchangeCluster cluster, string reason, string message, bool warning, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var now = time.GetUtcNow().UtcDateTime;
        var ns = cluster.Metadata.NamespaceProperty ?? "default";
        var evt = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = cluster.Metadata.Name + ".", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = cluster.ApiVersion,
                Kind = cluster.Kind,
                Name = cluster.Metadata.Name,
                NamespaceProperty = ns,
                Uid = cluster.Metadata.Uid,
            },
            Reason = reason,
            Message = message,
            Type = warning ? "Warning" : "Normal",
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            Source = new V1EventSource { Component = "raftex-operator" },
            ReportingComponent = "raftex-operator",
        };
        logger.LogInformation("Event {Reason} on {Cluster}: {Message}", reason, cluster.Metadata.Name, message);
        try
        {
            await kube.CoreV1.CreateNamespacedEventAsync(evt, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
        {
            logger.LogWarning("Could not record event {Reason} on {Cluster}: {Error}", reason, cluster.Metadata.Name, e.Message);
        }
    }
}

using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.Controllers;

namespace Raftex.Operator.Hosting;

/// <summary>coordination.k8s.io/v1 Lease calls for leader election, over KubernetesClient.</summary>
public sealed class LeaseClient(IKubernetes kube) : ILeaseClient
{
    public async Task<V1Lease?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await kube.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<V1Lease> CreateAsync(V1Lease lease, CancellationToken cancellationToken) =>
        Call(() => kube.CoordinationV1.CreateNamespacedLeaseAsync(lease, lease.Metadata.NamespaceProperty, cancellationToken: cancellationToken));

    public Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken) =>
        Call(() => kube.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, lease.Metadata.NamespaceProperty, cancellationToken: cancellationToken));

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw new KubernetesApiException(e.Response.StatusCode, e.Response.Content ?? e.Message, e);
        }
    }
}

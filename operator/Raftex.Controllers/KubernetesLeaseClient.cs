using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>Lease calls through the official client (coordination.k8s.io/v1).</summary>
public sealed class KubernetesLeaseClient(IKubernetes client) : ILeaseClient
{
    private readonly IKubernetes _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <inheritdoc />
    public async Task<V1Lease?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e)
        {
            throw KubernetesErrors.From(e);
        }
    }

    /// <inheritdoc />
    public async Task<V1Lease> CreateAsync(V1Lease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        try
        {
            return await _client.CoordinationV1.CreateNamespacedLeaseAsync(lease, lease.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw KubernetesErrors.From(e);
        }
    }

    /// <inheritdoc />
    public async Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        try
        {
            return await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, lease.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw KubernetesErrors.From(e);
        }
    }
}

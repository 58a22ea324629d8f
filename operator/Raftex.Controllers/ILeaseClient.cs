using k8s.Models;

namespace Raftex.Controllers;

/// <summary>The coordination.k8s.io/v1 Lease calls leader election makes.</summary>
public interface ILeaseClient
{
    /// <summary>Reads the lease; null when it does not exist.</summary>
    Task<V1Lease?> GetAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Creates the lease; 409 when it already exists.</summary>
    Task<V1Lease> CreateAsync(V1Lease lease, CancellationToken cancellationToken);

    /// <summary>Replaces the lease with its resourceVersion as precondition; 409 when someone wrote it first.</summary>
    Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken);
}

using k8s;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>The API calls the runtime makes on one kind: list/watch for informers, get/replace for finalizers and status.</summary>
public interface IResourceClient<T> : IListWatchSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Reads one object; null when it does not exist.</summary>
    Task<T?> GetAsync(ObjectKey key, CancellationToken cancellationToken);

    /// <summary>Replaces the object (metadata and spec) with its resourceVersion as precondition; 409 on conflict.</summary>
    Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken);

    /// <summary>Replaces the status through the status subresource with its resourceVersion as precondition; 409 on conflict.</summary>
    Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken);
}

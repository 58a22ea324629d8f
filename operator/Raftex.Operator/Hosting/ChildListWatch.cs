using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.Controllers;

namespace Raftex.Operator.Hosting;

/// <summary>
/// List/watch of one built-in kind the operator owns (pods, StatefulSets, Services, ConfigMaps, PDBs, Deployments),
/// limited to objects carrying the <c>raftex.io/cluster</c> label (or another <paramref name="selector"/>), so that a
/// change or deletion of a child wakes its owner.
/// </summary>
public sealed class ChildListWatch<T>(
    Func<string, CancellationToken, Task<(IReadOnlyList<T> Items, string ResourceVersion)>> list,
    Func<string, string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
    string selector = Builders.ChildLabels.Cluster) : IListWatchSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Only the operator's children.</summary>
    public const string Selector = "raftex.io/cluster";

    public async Task<ResourceList<T>> ListAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (items, version) = await list(selector, cancellationToken).ConfigureAwait(false);
            return new ResourceList<T>(items, version);
        }
        catch (HttpOperationException e)
        {
            throw new KubernetesApiException(e.Response.StatusCode, e.Response.Content ?? e.Message, e);
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var e = watch(selector, resourceVersion, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (HttpOperationException ex)
            {
                throw new KubernetesApiException(ex.Response.StatusCode, ex.Response.Content ?? ex.Message, ex);
            }

            var (type, obj) = e.Current;
            // A typed watch cannot decode the Status of an ERROR event; the server sends one for an expired
            // resourceVersion, and re-listing is the safe answer to any watch error, so it is reported as 410.
            yield return type == WatchEventType.Error
                ? new WatchEvent<T>(type, null, new V1Status { Code = 410, Reason = "Expired", Message = "watch error" })
                : new WatchEvent<T>(type, obj);
        }
    }
}

using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.Controllers;

namespace Raftex.Operator.Reconciling;

/// <summary>Reads, list/watch and status writes of one custom resource kind over KubernetesClient's custom-object API.</summary>
public class CustomResourceClient<T>(IKubernetes kube, string group, string version, string plural, string? watchNamespace = null) : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public async Task<T?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await kube.CustomObjects.GetNamespacedCustomObjectAsync<T>(
                group, version, key.Namespace, plural, key.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken) =>
        Call(() => kube.CustomObjects.ReplaceNamespacedCustomObjectAsync<T>(
            obj, group, version, obj.Metadata.NamespaceProperty, plural, obj.Metadata.Name, cancellationToken: cancellationToken));

    public Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken) =>
        Call(() => kube.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<T>(
            obj, group, version, obj.Metadata.NamespaceProperty, plural, obj.Metadata.Name, cancellationToken: cancellationToken));

    public async Task<ResourceList<T>> ListAsync(CancellationToken cancellationToken)
    {
        var raw = await Call(() => watchNamespace is null
            ? kube.CustomObjects.ListClusterCustomObjectAsync(group, version, plural, cancellationToken: cancellationToken)
            : kube.CustomObjects.ListNamespacedCustomObjectAsync(group, version, watchNamespace, plural, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var list = JsonNode.Parse(KubernetesJson.Serialize(raw))!;
        var items = list["items"]?.AsArray().Select(i => KubernetesJson.Deserialize<T>(i!.ToJsonString())).ToList() ?? [];
        return new ResourceList<T>(items, list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? string.Empty);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = watchNamespace is null
            ? kube.CustomObjects.WatchListClusterCustomObjectAsync(group, version, plural,
                allowWatchBookmarks: true, resourceVersion: resourceVersion, cancellationToken: cancellationToken)
            : kube.CustomObjects.WatchListNamespacedCustomObjectAsync(group, version, watchNamespace, plural,
                allowWatchBookmarks: true, resourceVersion: resourceVersion, cancellationToken: cancellationToken);
        await foreach (var (type, raw) in Translate(events).ConfigureAwait(false))
        {
            var node = JsonNode.Parse(KubernetesJson.Serialize(raw))!;
            if (type == WatchEventType.Error)
            {
                yield return new WatchEvent<T>(type, null, KubernetesJson.Deserialize<V1Status>(node.ToJsonString()));
            }
            else
            {
                yield return new WatchEvent<T>(type, KubernetesJson.Deserialize<T>(node.ToJsonString()));
            }
        }
    }

    // Turns an HTTP error that ends the watch (e.g. 410 Gone on a too-old resourceVersion) into the runtime's exception.
    private static async IAsyncEnumerable<(WatchEventType, object)> Translate(IAsyncEnumerable<(WatchEventType, object)> events)
    {
        await using var e = events.GetAsyncEnumerator();
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

            yield return e.Current;
        }
    }

    private static async Task<TResult> Call<TResult>(Func<Task<TResult>> call)
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

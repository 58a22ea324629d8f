using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Raftex.Controllers;
using Raftex.Operator.Api;

namespace Raftex.Operator.Reconciling;

/// <summary>ExchangeCluster reads, list/watch and status writes over KubernetesClient's custom-object API.</summary>
public sealed class ExchangeClusterClient(IKubernetes kube, string? watchNamespace = null) : IResourceClient<ExchangeCluster>
{
    public async Task<ExchangeCluster?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await kube.CustomObjects.GetNamespacedCustomObjectAsync<ExchangeCluster>(
                ExchangeCluster.Group, ExchangeCluster.Version, key.Namespace, ExchangeCluster.Plural, key.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<ExchangeCluster> ReplaceAsync(ExchangeCluster obj, CancellationToken cancellationToken) =>
        Call(() => kube.CustomObjects.ReplaceNamespacedCustomObjectAsync<ExchangeCluster>(
            obj, ExchangeCluster.Group, ExchangeCluster.Version, obj.Metadata.NamespaceProperty, ExchangeCluster.Plural, obj.Metadata.Name, cancellationToken: cancellationToken));

    public Task<ExchangeCluster> ReplaceStatusAsync(ExchangeCluster obj, CancellationToken cancellationToken) =>
        Call(() => kube.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<ExchangeCluster>(
            obj, ExchangeCluster.Group, ExchangeCluster.Version, obj.Metadata.NamespaceProperty, ExchangeCluster.Plural, obj.Metadata.Name, cancellationToken: cancellationToken));

    public async Task<ResourceList<ExchangeCluster>> ListAsync(CancellationToken cancellationToken)
    {
        var raw = await Call(() => watchNamespace is null
            ? kube.CustomObjects.ListClusterCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, ExchangeCluster.Plural, cancellationToken: cancellationToken)
            : kube.CustomObjects.ListNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, watchNamespace, ExchangeCluster.Plural, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var list = JsonNode.Parse(KubernetesJson.Serialize(raw))!;
        var items = list["items"]?.AsArray().Select(i => KubernetesJson.Deserialize<ExchangeCluster>(i!.ToJsonString())).ToList() ?? [];
        return new ResourceList<ExchangeCluster>(items, list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? string.Empty);
    }

    public async IAsyncEnumerable<WatchEvent<ExchangeCluster>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = watchNamespace is null
            ? kube.CustomObjects.WatchListClusterCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, ExchangeCluster.Plural,
                allowWatchBookmarks: true, resourceVersion: resourceVersion, cancellationToken: cancellationToken)
            : kube.CustomObjects.WatchListNamespacedCustomObjectAsync(ExchangeCluster.Group, ExchangeCluster.Version, watchNamespace, ExchangeCluster.Plural,
                allowWatchBookmarks: true, resourceVersion: resourceVersion, cancellationToken: cancellationToken);
        await foreach (var (type, raw) in Translate(events).ConfigureAwait(false))
        {
            var node = JsonNode.Parse(KubernetesJson.Serialize(raw))!;
            if (type == WatchEventType.Error)
            {
                yield return new WatchEvent<ExchangeCluster>(type, null, KubernetesJson.Deserialize<V1Status>(node.ToJsonString()));
            }
            else
            {
                yield return new WatchEvent<ExchangeCluster>(type, KubernetesJson.Deserialize<ExchangeCluster>(node.ToJsonString()));
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

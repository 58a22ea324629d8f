using k8s;
using Raftex.Controllers;
using Raftex.Operator.Api;

namespace Raftex.Operator.Reconciling;

/// <summary>ExchangeCluster reads, list/watch and status writes over KubernetesClient's custom-object API.</summary>
public sealed class ExchangeClusterClient(IKubernetes kube, string? watchNamespace = null) : IResourceClient<ExchangeCluster>
{
    private readonly CustomResourceClient<ExchangeCluster> _client = new(kube, ExchangeCluster.Plural, watchNamespace);

    public Task<ExchangeCluster?> GetAsync(ObjectKey key, CancellationToken cancellationToken) => _client.GetAsync(key, cancellationToken);

    public Task<ExchangeCluster> ReplaceAsync(ExchangeCluster obj, CancellationToken cancellationToken) => _client.ReplaceAsync(obj, cancellationToken);

    public Task<ExchangeCluster> ReplaceStatusAsync(ExchangeCluster obj, CancellationToken cancellationToken) => _client.ReplaceStatusAsync(obj, cancellationToken);

    public Task<ResourceList<ExchangeCluster>> ListAsync(CancellationToken cancellationToken) => _client.ListAsync(cancellationToken);

    public IAsyncEnumerable<WatchEvent<ExchangeCluster>> WatchAsync(string resourceVersion, CancellationToken cancellationToken) => _client.WatchAsync(resourceVersion, cancellationToken);
}

using k8s;
using Raftex.Operator.Api;

namespace Raftex.Operator.Reconciling;

/// <summary>ExchangeCluster reads, list/watch and status writes over KubernetesClient's custom-object API.</summary>
public sealed class ExchangeClusterClient(IKubernetes kube, string? watchNamespace = null)
    : CustomResourceClient<ExchangeCluster>(kube, ExchangeCluster.Group, ExchangeCluster.Version, ExchangeCluster.Plural, watchNamespace);

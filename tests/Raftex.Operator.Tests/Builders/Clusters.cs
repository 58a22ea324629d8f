using k8s.Models;
using Raftex.Operator.Api;
using Raftex.Operator.Tests.Crd;

namespace Raftex.Operator.Tests.Builders;

/// <summary>ExchangeCluster objects for builder tests.</summary>
internal static class Clusters
{
    public static ExchangeCluster Sample(int replicas = 3, string image = "raftex/node:1.0")
    {
        var spec = SpecValidatorTests.ValidSpec();
        spec.Replicas = replicas;
        spec.Image = image;
        return new ExchangeCluster
        {
            Metadata = new V1ObjectMeta { Name = "xc1", NamespaceProperty = "trading", Uid = "6d1b2c7e-0000-4000-8000-000000000001", Generation = 1 },
            Spec = spec,
        };
    }
}

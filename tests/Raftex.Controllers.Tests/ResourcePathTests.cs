using k8s;
using k8s.Models;

namespace Raftex.Controllers.Tests;

public sealed class ResourcePathTests
{
    [KubernetesEntity(Group = "raftex.io", ApiVersion = "v1alpha1", Kind = "ExchangeCluster", PluralName = "exchangeclusters")]
    private sealed class FakeExchangeCluster : IKubernetesObject<V1ObjectMeta>
    {
        public string ApiVersion { get; set; } = "raftex.io/v1alpha1";

        public string Kind { get; set; } = "ExchangeCluster";

        public V1ObjectMeta Metadata { get; set; } = new();
    }

    private sealed class Unattributed : IKubernetesObject<V1ObjectMeta>
    {
        public string ApiVersion { get; set; } = "x/v1";

        public string Kind { get; set; } = "X";

        public V1ObjectMeta Metadata { get; set; } = new();
    }

    [Fact]
    public void Core_group_kinds_live_under_api_v1_and_others_under_apis()
    {
        Assert.Equal("api/v1/namespaces/prod/configmaps/a", ResourcePath.Of<V1ConfigMap>().Item(new ObjectKey("prod", "a")));
        Assert.Equal("api/v1/configmaps", ResourcePath.Of<V1ConfigMap>().Collection(null));
        Assert.Equal("apis/coordination.k8s.io/v1/namespaces/ops/leases", ResourcePath.Of<V1Lease>().Collection("ops"));
        var custom = ResourcePath.Of<FakeExchangeCluster>();
        Assert.Equal("apis/raftex.io/v1alpha1/namespaces/prod/exchangeclusters/xc", custom.Item(new ObjectKey("prod", "xc")));
        Assert.Equal(("raftex.io/v1alpha1", "ExchangeCluster"), (custom.ApiVersion, custom.Kind));
    }

    [Fact]
    public void A_kind_without_the_entity_attribute_is_a_precise_error()
    {
        var error = Assert.Throws<ArgumentException>(() => ResourcePath.Of<Unattributed>());
        Assert.Contains("[KubernetesEntity]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prod/xc", "prod", "xc")]
    [InlineData("cluster-scoped", "", "cluster-scoped")]
    public void Keys_round_trip_through_text(string text, string ns, string name)
    {
        var key = ObjectKey.Parse(text);
        Assert.Equal(new ObjectKey(ns, name), key);
        Assert.Equal(text, key.ToString());
    }

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("a/")]
    public void Malformed_keys_are_rejected(string text) => Assert.Throws<FormatException>(() => ObjectKey.Parse(text));
}

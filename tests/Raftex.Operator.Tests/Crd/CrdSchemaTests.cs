using k8s;
using k8s.Models;
using Raftex.Operator.Api;
using Raftex.Operator.Crd;

namespace Raftex.Operator.Tests.Crd;

public sealed class CrdSchemaTests
{
    private static readonly V1CustomResourceDefinition Crd = ExchangeClusterCrd.Build();
    private static V1CustomResourceDefinitionVersion Version => Crd.Spec.Versions.Single();
    private static V1JSONSchemaProps Root => Version.Schema.OpenAPIV3Schema;
    private static V1JSONSchemaProps Spec => Root.Properties["spec"];

    [Fact]
    public void Names_group_short_name_and_category_are_as_published()
    {
        Assert.Equal("exchangeclusters.raftex.io", Crd.Metadata.Name);
        Assert.Equal("raftex.io", Crd.Spec.Group);
        Assert.Equal("v1alpha1", Version.Name);
        Assert.Equal(["xc"], Crd.Spec.Names.ShortNames);
        Assert.Equal(["raftex"], Crd.Spec.Names.Categories);
        Assert.Equal("Namespaced", Crd.Spec.Scope);
    }

    [Fact]
    public void Every_field_is_typed_and_described()
    {
        var missing = new List<string>();
        Walk(Root, "", missing);
        Assert.Empty(missing);

        static void Walk(V1JSONSchemaProps schema, string path, List<string> missing)
        {
            if (string.IsNullOrWhiteSpace(schema.Description)) { missing.Add(path + " (description)"); }
            if (schema.Type is null && schema.XKubernetesIntOrString != true) { missing.Add(path + " (type)"); }
            foreach (var (name, child) in schema.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
            {
                Walk(child, $"{path}.{name}", missing);
            }

            if (schema.Items is V1JSONSchemaProps items) { Walk(items, path + "[]", missing); }
            if (schema.AdditionalProperties is V1JSONSchemaProps values) { Walk(values, path + "{}", missing); }
        }
    }

    [Fact]
    public void Replicas_is_bounded_one_to_nine_with_default_three()
    {
        var replicas = Spec.Properties["replicas"];
        Assert.Equal("integer", replicas.Type);
        Assert.Equal(1, replicas.Minimum);
        Assert.Equal(9, replicas.Maximum);
        Assert.Equal(3, Convert.ToInt32(replicas.DefaultProperty, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Image_symbols_are_required_and_strategy_is_an_enum()
    {
        Assert.Contains("image", Spec.Required);
        Assert.Contains("symbols", Spec.Required);
        var strategy = Spec.Properties["updateStrategy"].Properties["type"];
        Assert.Equal(["RaftAware", "Supervised"], strategy.EnumProperty.Select(e => e.ToString()));
        Assert.Equal("RaftAware", strategy.DefaultProperty);
        var symbols = Spec.Properties["symbols"];
        Assert.Equal("map", symbols.XKubernetesListType);
        Assert.Equal(["name"], symbols.XKubernetesListMapKeys);
    }

    [Fact]
    public void Storage_size_and_class_are_immutable_through_transition_rules()
    {
        var storage = Spec.Properties["storage"];
        var sizeRule = Assert.Single(storage.Properties["size"].XKubernetesValidations);
        Assert.Equal("self == oldSelf", sizeRule.Rule);
        Assert.Contains("immutable", sizeRule.Message, StringComparison.Ordinal);
        Assert.Equal("self == oldSelf", Assert.Single(storage.Properties["storageClassName"].XKubernetesValidations).Rule);
        Assert.Contains(storage.XKubernetesValidations, r => r.Rule.Contains("oldSelf.storageClassName", StringComparison.Ordinal));
        Assert.True(storage.Properties["size"].XKubernetesIntOrString);
    }

    [Fact]
    public void Status_and_scale_subresources_point_at_replicas_and_selector()
    {
        Assert.NotNull(Version.Subresources.Status);
        Assert.Equal(".spec.replicas", Version.Subresources.Scale.SpecReplicasPath);
        Assert.Equal(".status.replicas", Version.Subresources.Scale.StatusReplicasPath);
        Assert.Equal(".status.selector", Version.Subresources.Scale.LabelSelectorPath);
    }

    [Fact]
    public void Printer_columns_answer_is_it_healthy()
    {
        Assert.Equal(["Replicas", "Ready", "Leader", "Term", "Phase", "Age"], Version.AdditionalPrinterColumns.Select(c => c.Name));
        Assert.Equal(".status.leader.pod", Version.AdditionalPrinterColumns.Single(c => c.Name == "Leader").JsonPath);
    }

    [Fact]
    public void Status_lists_phase_enum_and_conditions_keyed_by_type()
    {
        var status = Root.Properties["status"];
        Assert.Equal(Enum.GetNames<ClusterPhase>(), status.Properties["phase"].EnumProperty.Select(e => e.ToString()));
        Assert.Equal(["type"], status.Properties["conditions"].XKubernetesListMapKeys);
        foreach (var field in new[] { "clusterId", "replicas", "readyReplicas", "leader", "term", "commitIndex", "members", "currentRevision", "updateRevision", "progress", "entryFormatVersion", "observedGeneration" })
        {
            Assert.True(status.Properties.ContainsKey(field), $"status.{field} missing");
        }
    }

    [Fact]
    public void Generated_yaml_parses_back_into_the_same_definition()
    {
        var yaml = CrdWriter.ToYaml(Crd);
        var parsed = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(yaml);
        Assert.Equal(KubernetesJson.Serialize(Crd), KubernetesJson.Serialize(parsed));
    }

    [Fact]
    public void Custom_resource_round_trips_through_kubernetes_json_with_camel_case_names()
    {
        var cluster = new ExchangeCluster
        {
            Metadata = new V1ObjectMeta { Name = "x", NamespaceProperty = "ns" },
            Spec = new ExchangeClusterSpec
            {
                Replicas = 5,
                Image = "raftex/node:1.0",
                Symbols = [new SymbolSpec { Name = "BTC-USD", TickSize = "0.01", LotSize = "0.001" }],
                UpdateStrategy = new UpdateStrategySpec { Type = UpdateStrategyType.Supervised },
                Storage = new StorageSpec { Size = new ResourceQuantity("5Gi") },
            },
            Status = new ExchangeClusterStatus { Phase = ClusterPhase.Updating, Progress = new OperationProgress { Kind = OperationKind.Rollout, Step = OperationStep.Restarting, Pod = "x-2" } },
        };
        var json = KubernetesJson.Serialize(cluster);
        Assert.Contains("\"updateStrategy\":{\"type\":\"Supervised\"", json, StringComparison.Ordinal);
        Assert.Contains("\"step\":\"Restarting\"", json, StringComparison.Ordinal);
        var back = KubernetesJson.Deserialize<ExchangeCluster>(json);
        Assert.Equal(5, back.Spec.Replicas);
        Assert.Equal("5Gi", back.Spec.Storage.Size!.ToString());
        Assert.Equal(OperationStep.Restarting, back.Status!.Progress!.Step);
    }
}

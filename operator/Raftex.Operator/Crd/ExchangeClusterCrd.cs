using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Crd;

/// <summary>The ExchangeCluster CustomResourceDefinition, generated from the C# types.</summary>
public static class ExchangeClusterCrd
{
    /// <summary>exchangeclusters.raftex.io</summary>
    public const string Name = $"{ExchangeCluster.Plural}.{ExchangeCluster.Group}";

    /// <summary>The complete definition: schema, printer columns, status and scale subresources.</summary>
    public static V1CustomResourceDefinition Build()
    {
        var spec = SchemaBuilder.ForType(typeof(ExchangeClusterSpec));
        var status = SchemaBuilder.ForType(typeof(ExchangeClusterStatus));
        var root = new V1JSONSchemaProps
        {
            Type = "object",
            Description = "An order-matching exchange replicated by Raft over a set of nodes, reconciled by the Raftex operator.",
            Properties = new SortedDictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
            {
                ["apiVersion"] = new() { Type = "string", Description = "Versioned schema of this object: raftex.io/v1alpha1." },
                ["kind"] = new() { Type = "string", Description = "Kind of this object: ExchangeCluster." },
                ["metadata"] = new() { Type = "object", Description = "Standard object metadata." },
                ["spec"] = spec,
                ["status"] = status,
            },
            Required = ["spec"],
        };

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = Name },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = ExchangeCluster.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = ExchangeCluster.KindName,
                    ListKind = ExchangeCluster.KindName + "List",
                    Plural = ExchangeCluster.Plural,
                    Singular = "exchangecluster",
                    ShortNames = ["xc"],
                    Categories = ["raftex"],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = ExchangeCluster.Version,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = root },
                        Subresources = new V1CustomResourceSubresources
                        {
                            Status = new Dictionary<string, object>(),
                            Scale = new V1CustomResourceSubresourceScale
                            {
                                SpecReplicasPath = ".spec.replicas",
                                StatusReplicasPath = ".status.replicas",
                                LabelSelectorPath = ".status.selector",
                            },
                        },
                        AdditionalPrinterColumns =
                        [
                            Column("Replicas", "integer", ".spec.replicas", "Desired number of Raft nodes"),
                            Column("Ready", "integer", ".status.readyReplicas", "Ready pods"),
                            Column("Leader", "string", ".status.leader.pod", "Pod of the current Raft leader"),
                            Column("Term", "integer", ".status.term", "Current Raft term"),
                            Column("Phase", "string", ".status.phase", "Creating, Running, Updating, Scaling, Degraded or Failed"),
                            Column("Age", "date", ".metadata.creationTimestamp", "Time since creation"),
                        ],
                    },
                ],
            },
        };
    }

    private static V1CustomResourceColumnDefinition Column(string name, string type, string path, string description) =>
        new() { Name = name, Type = type, JsonPath = path, Description = description };
}

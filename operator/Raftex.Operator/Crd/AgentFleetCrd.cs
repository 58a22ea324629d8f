using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Crd;

/// <summary>The AgentFleet CustomResourceDefinition, generated from the C# types.</summary>
public static class AgentFleetCrd
{
    /// <summary>agentfleets.raftex.io</summary>
    public const string Name = $"{AgentFleet.Plural}.{ExchangeCluster.Group}";

    /// <summary>The complete definition: schema, printer columns and the status subresource.</summary>
    public static V1CustomResourceDefinition Build() => new()
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
                Kind = AgentFleet.KindName,
                ListKind = AgentFleet.KindName + "List",
                Plural = AgentFleet.Plural,
                Singular = "agentfleet",
                ShortNames = ["af"],
                Categories = ["raftex"],
            },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = ExchangeCluster.Version,
                    Served = true,
                    Storage = true,
                    Schema = new V1CustomResourceValidation
                    {
                        OpenAPIV3Schema = new V1JSONSchemaProps
                        {
                            Type = "object",
                            Description = "A fleet of trading agents (market makers, momentum, noise, arbitrage) trading on an ExchangeCluster, reconciled by the Raftex operator.",
                            Properties = new SortedDictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
                            {
                                ["apiVersion"] = new() { Type = "string", Description = "Versioned schema of this object: raftex.io/v1alpha1." },
                                ["kind"] = new() { Type = "string", Description = "Kind of this object: AgentFleet." },
                                ["metadata"] = new() { Type = "object", Description = "Standard object metadata." },
                                ["spec"] = SchemaBuilder.ForType(typeof(AgentFleetSpec)),
                                ["status"] = SchemaBuilder.ForType(typeof(AgentFleetStatus)),
                            },
                            Required = ["spec"],
                        },
                    },
                    Subresources = new V1CustomResourceSubresources { Status = new Dictionary<string, object>() },
                    AdditionalPrinterColumns =
                    [
                        Column("Cluster", "string", ".spec.clusterRef", "ExchangeCluster the agents trade on"),
                        Column("Pods", "integer", ".spec.replicas", "Desired agent pods"),
                        Column("Ready", "integer", ".status.readyReplicas", "Agent pods ready and trading"),
                        Column("Agents", "integer", ".status.agentsRunning", "Agents trading now"),
                        Column("Age", "date", ".metadata.creationTimestamp", "Time since creation"),
                    ],
                },
            ],
        },
    };

    private static V1CustomResourceColumnDefinition Column(string name, string type, string path, string description) =>
        new() { Name = name, Type = type, JsonPath = path, Description = description };
}

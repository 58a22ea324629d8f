using k8s.Models;
using Raftex.Chaos;
using Raftex.Operator.Api;

namespace Raftex.Operator.Crd;

/// <summary>The ChaosExperiment CustomResourceDefinition, generated from the C# types.</summary>
public static class ChaosExperimentCrd
{
    /// <summary>chaosexperiments.raftex.io</summary>
    public const string Name = $"{ChaosExperiment.Plural}.{ExchangeCluster.Group}";

    /// <summary>The complete definition: schema, printer columns and the status subresource.</summary>
    public static V1CustomResourceDefinition Build()
    {
        var root = new V1JSONSchemaProps
        {
            Type = "object",
            Description = "A bounded fault injected into an ExchangeCluster, healed, and judged: a Pass or Fail verdict on whether the cluster stayed correct.",
            Properties = new SortedDictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
            {
                ["apiVersion"] = new() { Type = "string", Description = "Versioned schema of this object: raftex.io/v1alpha1." },
                ["kind"] = new() { Type = "string", Description = "Kind of this object: ChaosExperiment." },
                ["metadata"] = new() { Type = "object", Description = "Standard object metadata." },
                ["spec"] = SchemaBuilder.ForType(typeof(ChaosExperimentSpec)),
                ["status"] = SchemaBuilder.ForType(typeof(ChaosExperimentStatus)),
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
                    Kind = ChaosExperiment.KindName,
                    ListKind = ChaosExperiment.KindName + "List",
                    Plural = ChaosExperiment.Plural,
                    Singular = "chaosexperiment",
                    ShortNames = ["chaos"],
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
                        Subresources = new V1CustomResourceSubresources { Status = new Dictionary<string, object>() },
                        AdditionalPrinterColumns =
                        [
                            Column("Action", "string", ".spec.action", "The fault injected"),
                            Column("Target", "string", ".status.target", "Targets of the current or last run"),
                            Column("Phase", "string", ".status.phase", "Pending, Injecting, Injected, Recovering, Completed or Failed"),
                            Column("Verdict", "string", ".status.verdict", "Pass or Fail"),
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

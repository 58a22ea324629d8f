using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Crd;

/// <summary>The shape every Raftex CRD shares: group raftex.io, one served and stored version v1alpha1, namespaced, category raftex, status subresource.</summary>
public static class CrdDefinition
{
    /// <summary>A namespaced CRD whose spec and status schemas come from <paramref name="spec"/> and <paramref name="status"/>.</summary>
    public static V1CustomResourceDefinition Namespaced(string kind, string plural, string shortName, string description, Type spec, Type status,
        IList<V1CustomResourceColumnDefinition> columns, V1CustomResourceSubresourceScale? scale = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var root = new V1JSONSchemaProps
        {
            Type = "object",
            Description = description,
            Properties = new SortedDictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
            {
                ["apiVersion"] = new() { Type = "string", Description = "Versioned schema of this object: raftex.io/v1alpha1." },
                ["kind"] = new() { Type = "string", Description = $"Kind of this object: {kind}." },
                ["metadata"] = new() { Type = "object", Description = "Standard object metadata." },
                ["spec"] = SchemaBuilder.ForType(spec),
                ["status"] = SchemaBuilder.ForType(status),
            },
            Required = ["spec"],
        };

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{plural}.{ExchangeCluster.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = ExchangeCluster.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = kind,
                    ListKind = kind + "List",
                    Plural = plural,
                    Singular = kind.ToLowerInvariant(),
                    ShortNames = [shortName],
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
                        Subresources = new V1CustomResourceSubresources { Status = new Dictionary<string, object>(), Scale = scale },
                        AdditionalPrinterColumns = columns,
                    },
                ],
            },
        };
    }

    /// <summary>A printer column.</summary>
    public static V1CustomResourceColumnDefinition Column(string name, string type, string path, string description) =>
        new() { Name = name, Type = type, JsonPath = path, Description = description };
}

using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Crd;

/// <summary>Builds an OpenAPI v3 schema from attributed C# types; refuses a field without a description.</summary>
public static class SchemaBuilder
{
    // The API server's own quantity grammar, so a malformed size is refused at apply time.
    private const string QuantityPattern =
        @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

    /// <summary>The schema of an object type, its properties in ordinal order of their JSON names.</summary>
    public static V1JSONSchemaProps ForType(Type type, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ForObject(type, description ?? type.GetCustomAttribute<DescriptionAttribute>()?.Description
            ?? throw new InvalidOperationException($"Type {type.Name} has no [Description]."));
    }

    /// <summary>The JSON name of a property: camelCase, as KubernetesJson writes it.</summary>
    public static string JsonName(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return JsonNamingPolicy.CamelCase.ConvertName(property.Name);
    }

    private static V1JSONSchemaProps ForObject(Type type, string description)
    {
        var properties = new SortedDictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal);
        var required = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite && !IsInitOnly(property))
            {
                continue;
            }

            var name = JsonName(property);
            properties[name] = ForProperty(type, property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var schema = new V1JSONSchemaProps
        {
            Type = "object",
            Description = description,
            Properties = properties,
            Required = required.Count > 0 ? required.ToList() : null,
        };
        var rules = type.GetCustomAttributes<ValidationRuleAttribute>().ToList();
        if (rules.Count > 0)
        {
            schema.XKubernetesValidations = rules.Select(r => new V1ValidationRule { Rule = r.Rule, Message = r.Message }).ToList();
        }

        return schema;
    }

    private static bool IsSpecType(Type owner) =>
        owner == typeof(ExchangeClusterSpec) || owner == typeof(StorageSpec) || owner == typeof(ServiceSpec);

    private static bool HasRequiredWithoutDefault(V1JSONSchemaProps schema) =>
        schema.Required?.Any(r => schema.Properties[r].DefaultProperty is null) == true;

    private static bool IsInitOnly(PropertyInfo property) => property.SetMethod is not null;

    private static V1JSONSchemaProps ForProperty(Type owner, PropertyInfo property)
    {
        var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description
            ?? throw new InvalidOperationException($"{owner.Name}.{property.Name} has no [Description]; every CRD field must be described.");
        var schema = ForValue(property.PropertyType, description, $"{owner.Name}.{property.Name}");

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema.Minimum = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            schema.Maximum = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            schema.Pattern = pattern.Pattern;
        }

        var isArray = schema.Type == "array";
        if (property.GetCustomAttribute<MinLengthAttribute>() is { } min)
        {
            if (isArray) { schema.MinItems = min.Length; } else { schema.MinLength = min.Length; }
        }

        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } max)
        {
            if (isArray) { schema.MaxItems = max.Length; } else { schema.MaxLength = max.Length; }
        }

        if (property.GetCustomAttribute<DefaultValueAttribute>() is { Value: { } value })
        {
            schema.DefaultProperty = value;
        }
        else if (schema.Type == "object" && schema.Properties is not null && property.GetCustomAttribute<RequiredAttribute>() is null
            && owner.Namespace == typeof(ExchangeClusterSpec).Namespace && IsSpecType(owner) && !HasRequiredWithoutDefault(schema))
        {
            // Defaults inside an absent object are not applied by the API server, so an optional
            // spec object defaults to {} and its own field defaults then fill it in. An object with a required
            // field that has no default (spec.backup needs a schedule) stays absent: {} would not validate.
            schema.DefaultProperty = new Dictionary<string, object>();
        }

        if (property.GetCustomAttribute<ListMapKeyAttribute>() is { } keys)
        {
            schema.XKubernetesListType = "map";
            schema.XKubernetesListMapKeys = keys.Keys.ToList();
        }

        var rules = property.GetCustomAttributes<ValidationRuleAttribute>().ToList();
        if (rules.Count > 0)
        {
            schema.XKubernetesValidations = (schema.XKubernetesValidations ?? [])
                .Concat(rules.Select(r => new V1ValidationRule { Rule = r.Rule, Message = r.Message })).ToList();
        }

        return schema;
    }

    private static V1JSONSchemaProps ForValue(Type type, string description, string where)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string", Description = description };
        }

        if (type == typeof(int))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int32", Description = description };
        }

        if (type == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int64", Description = description };
        }

        if (type == typeof(double))
        {
            return new V1JSONSchemaProps { Type = "number", Format = "double", Description = description };
        }

        if (type == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean", Description = description };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time", Description = description };
        }

        if (type.IsEnum)
        {
            return new V1JSONSchemaProps { Type = "string", Description = description, EnumProperty = Enum.GetNames(type).Cast<object>().ToList() };
        }

        if (type == typeof(ResourceQuantity))
        {
            return new V1JSONSchemaProps
            {
                Description = description,
                XKubernetesIntOrString = true,
                AnyOf = [new V1JSONSchemaProps { Type = "integer" }, new V1JSONSchemaProps { Type = "string" }],
                Pattern = QuantityPattern,
            };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new V1JSONSchemaProps
            {
                Type = "object",
                Description = description,
                AdditionalProperties = ForValue(valueType, valueType == typeof(ResourceQuantity) ? "A quantity such as 500m, 2 or 2Gi." : "One entry of the map.", where),
            };
        }

        if (ListItemType(type) is { } itemType)
        {
            return new V1JSONSchemaProps
            {
                Type = "array",
                Description = description,
                Items = ForValue(itemType, itemType.GetCustomAttribute<DescriptionAttribute>()?.Description ?? description, where),
            };
        }

        if (type.IsClass)
        {
            return ForObject(type, description);
        }

        throw new InvalidOperationException($"{where}: no schema mapping for type {type.Name}.");
    }

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary is not null && dictionary.GetGenericArguments()[0] == typeof(string) ? dictionary.GetGenericArguments()[1] : null;
    }

    private static Type? ListItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }
}

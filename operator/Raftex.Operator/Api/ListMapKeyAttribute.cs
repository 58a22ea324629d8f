namespace Raftex.Operator.Api;

/// <summary>Marks a list as <c>x-kubernetes-list-type: map</c> keyed by the named fields, so the API server rejects duplicate keys.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeyAttribute(params string[] keys) : Attribute
{
    /// <summary>JSON names of the key fields (each must be required in the item schema).</summary>
    public IReadOnlyList<string> Keys { get; } = keys;
}

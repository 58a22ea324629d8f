namespace Raftex.Operator.Api;

/// <summary>A CEL rule emitted as <c>x-kubernetes-validations</c> on the schema of the annotated field or type.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class, AllowMultiple = true)]
public sealed class ValidationRuleAttribute(string rule, string message) : Attribute
{
    /// <summary>The CEL expression; <c>oldSelf</c> makes it a transition rule.</summary>
    public string Rule { get; } = rule;

    /// <summary>What the API server answers when the rule fails.</summary>
    public string Message { get; } = message;
}

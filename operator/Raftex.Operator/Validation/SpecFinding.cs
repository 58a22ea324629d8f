namespace Raftex.Operator.Validation;

/// <summary>One problem found in a spec: the field path and a message saying what is wrong and what is expected.</summary>
public sealed record SpecFinding(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

namespace Raftex.Operator.Validation;

/// <summary>The outcome of validating a spec: errors make it unusable, warnings are reported as Events.</summary>
public sealed record SpecValidation(IReadOnlyList<SpecFinding> Errors, IReadOnlyList<SpecFinding> Warnings)
{
    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>All errors on one line, for a condition message.</summary>
    public string ErrorSummary => string.Join("; ", Errors);
}

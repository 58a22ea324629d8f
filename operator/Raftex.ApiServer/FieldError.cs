namespace Raftex.ApiServer;

/// <summary>One field error of a 422 Invalid answer (a StatusCause), e.g. FieldValueInvalid at spec.replicas.</summary>
internal sealed record FieldError(string Reason, string Field, string Message)
{
    public static FieldError Required(string field) => new("FieldValueRequired", field, "Required value");

    public static FieldError Invalid(string field, string value, string detail) =>
        new("FieldValueInvalid", field, $"Invalid value: {value}: {detail}");

    public static FieldError NotSupported(string field, string value, IEnumerable<string> allowed) =>
        new("FieldValueNotSupported", field, $"Unsupported value: {value}: supported values: {string.Join(", ", allowed)}");

    public static FieldError TypeInvalid(string field, string value, string expected) =>
        new("FieldValueTypeInvalid", field, $"Invalid value: {value}: {field} in body must be of type {expected}");

    public static FieldError Forbidden(string field, string detail) => new("FieldValueForbidden", field, $"Forbidden: {detail}");

    public override string ToString() => $"{Field}: {Message}";
}

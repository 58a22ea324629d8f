using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>A request failure that the server answers with a metav1.Status body of the given code and reason.</summary>
internal sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public static ApiError NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedResource} \"{name}\" not found", type.Details(name));

    public static ApiError AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists", type.Details(name));

    public static ApiError Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": {why}", type.Details(name));

    public static ApiError StaleResourceVersion(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    /// <summary>422 Invalid listing every field error, formatted as the real apiserver formats them.</summary>
    public static ApiError Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add(new JsonObject { ["reason"] = e.Reason, ["message"] = e.Message, ["field"] = e.Field });
        }

        var details = new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Kind, ["causes"] = causes };
        var list = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var qualifiedKind = type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group;
        return new ApiError(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {list}", details);
    }

    /// <summary>The metav1.Status body for this failure.</summary>
    public JsonObject ToStatus() => StatusBody.Failure(Code, Reason, Message, Details);
}

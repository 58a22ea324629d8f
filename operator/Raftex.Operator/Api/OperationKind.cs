using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>The multi-step operation recorded in status so an operator restart resumes it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationKind>))]
public enum OperationKind
{
    /// <summary>Restarting pods onto a new template revision.</summary>
    Rollout,
    /// <summary>Adding one member.</summary>
    ScaleUp,
    /// <summary>Removing one member.</summary>
    ScaleDown,
    /// <summary>Replacing a member whose data was lost (new incarnation).</summary>
    ReplaceMember,
}

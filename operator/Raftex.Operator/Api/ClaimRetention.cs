using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>What happens to a pod's volume claim, as in the StatefulSet retention policy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClaimRetention>))]
public enum ClaimRetention
{
    /// <summary>Keep the claim (and the Raft log on it).</summary>
    Retain,
    /// <summary>Delete the claim.</summary>
    Delete,
}

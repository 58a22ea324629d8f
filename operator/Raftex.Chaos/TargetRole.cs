using System.Text.Json.Serialization;

namespace Raftex.Chaos;

/// <summary>Which members may be targets.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TargetRole>))]
public enum TargetRole
{
    /// <summary>Every member.</summary>
    Any,
    /// <summary>Only the current Raft leader.</summary>
    Leader,
    /// <summary>Only members that are not the leader.</summary>
    Follower,
}

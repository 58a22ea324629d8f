using System.Text.Json.Serialization;

namespace Raftex.Chaos;

/// <summary>Which traffic a partition cuts, seen from the targets.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PartitionDirection>))]
public enum PartitionDirection
{
    /// <summary>Messages to and from the targets.</summary>
    Both,
    /// <summary>Messages to the targets (they still send).</summary>
    To,
    /// <summary>Messages from the targets (they still receive).</summary>
    From,
}

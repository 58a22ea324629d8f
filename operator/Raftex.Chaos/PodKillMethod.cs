using System.Text.Json.Serialization;

namespace Raftex.Chaos;

/// <summary>How PodKill kills a member.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PodKillMethod>))]
public enum PodKillMethod
{
    /// <summary>The node's Admin Crash call: the process dies at once and its container restarts.</summary>
    Crash,
    /// <summary>A pod delete with a short, non-zero grace period (never a force delete).</summary>
    Delete,
}

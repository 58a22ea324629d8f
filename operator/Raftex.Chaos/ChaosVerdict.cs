using System.Text.Json.Serialization;

namespace Raftex.Chaos;

/// <summary>Whether the cluster stayed correct.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChaosVerdict>))]
public enum ChaosVerdict
{
    /// <summary>Recovered in time and every check held.</summary>
    Pass,
    /// <summary>A check failed; the reason names it.</summary>
    Fail,
}

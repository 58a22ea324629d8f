using System.Text.Json.Serialization;

namespace Raftex.Chaos;

/// <summary>What became of one probe deposit.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProbeOutcome>))]
public enum ProbeOutcome
{
    /// <summary>The cluster acknowledged it: it must be in the balance.</summary>
    Acknowledged,
    /// <summary>The cluster refused it: it must not be in the balance.</summary>
    Failed,
    /// <summary>No answer (timeout, connection lost): resubmitted with the same id after healing.</summary>
    Unknown,
}

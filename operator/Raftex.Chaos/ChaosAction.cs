using System.Text.Json.Serialization;

namespace Raftex.Chaos;

/// <summary>The fault a ChaosExperiment injects.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChaosAction>))]
public enum ChaosAction
{
    /// <summary>Cut the targets (or explicit groups) off from the other members.</summary>
    Partition,
    /// <summary>Kill the targets' processes at once (Admin Crash) or delete their pods with a short grace period.</summary>
    PodKill,
    /// <summary>Add latency and jitter to the targets' peer messages.</summary>
    Delay,
    /// <summary>Drop a percentage of the targets' peer messages.</summary>
    Loss,
    /// <summary>Offset the targets' clocks.</summary>
    ClockSkew,
    /// <summary>Force leadership transfers to the targets again and again.</summary>
    LeaderTransferStorm,
}

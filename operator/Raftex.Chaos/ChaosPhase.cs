using System.Text.Json.Serialization;

namespace Raftex.Chaos;

/// <summary>Where an experiment is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChaosPhase>))]
public enum ChaosPhase
{
    /// <summary>Not started, or waiting for its turn or its schedule.</summary>
    Pending,
    /// <summary>Targets chosen; faults are being injected.</summary>
    Injecting,
    /// <summary>Every fault is in place until the duration ends.</summary>
    Injected,
    /// <summary>Faults healed; waiting for the cluster to recover, then checking it.</summary>
    Recovering,
    /// <summary>Checked; the verdict is written.</summary>
    Completed,
    /// <summary>The experiment could not run (invalid spec, cluster missing); the reason says why.</summary>
    Failed,
}

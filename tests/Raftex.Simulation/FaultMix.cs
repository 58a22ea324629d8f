namespace Raftex.Simulation;

/// <summary>The families of faults a seed draws from; the seed picks one so every family gets exercised.</summary>
public enum FaultMix
{
    /// <summary>No faults: client load, snapshots and the occasional leadership transfer.</summary>
    Calm,

    /// <summary>Lossy, duplicating, reordering, slow links.</summary>
    Network,

    /// <summary>Partitions of every shape, healed and re-cut.</summary>
    Partitions,

    /// <summary>Crashes and restarts with lost unsynced tails, and clock drift.</summary>
    Crashes,

    /// <summary>Membership changes and leadership transfers, with some partitions.</summary>
    Membership,

    /// <summary>Everything at once.</summary>
    Everything,

    /// <summary>The scripted adversarial schedules, one after another, with nothing else in between.</summary>
    Adversarial,
}

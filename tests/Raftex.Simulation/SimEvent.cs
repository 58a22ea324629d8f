using Raftex.Raft;

namespace Raftex.Simulation;

/// <summary>What can happen at a point of simulated time.</summary>
internal enum SimEventKind
{
    Tick,
    Deliver,
    FsyncDone,
    Fault,
    FaultEnd,
    Restart,
    Stop,
    ClientPropose,
    Heal,
    LivenessCheck,
    EpisodeStep,
}

/// <summary>One agenda item. Node events carry the incarnation they were meant for, so a crash voids them.</summary>
internal sealed record SimEvent(SimEventKind Kind, long Node, long Incarnation)
{
    public Message? Message { get; init; }

    public FaultEvent? Fault { get; init; }

    /// <summary>For FaultEnd: the generation of the fault state it undoes (a later fault of the same family wins).</summary>
    public long Generation { get; init; }
}

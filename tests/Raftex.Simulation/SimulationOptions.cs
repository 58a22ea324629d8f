namespace Raftex.Simulation;

/// <summary>Everything that determines one simulation run. Same options ⇒ same run, event for event.</summary>
public sealed record SimulationOptions
{
    public long Seed { get; init; }

    /// <summary>Initial voters (3, 5 or 7).</summary>
    public int Nodes { get; init; } = 3;

    public FaultMix Mix { get; init; } = FaultMix.Everything;

    /// <summary>Simulated length of the chaos window (faults and client load); everything heals at its end.</summary>
    public long ChaosUs { get; init; } = 2_000_000;

    /// <summary>Mean gap between faults in the chaos window.</summary>
    public long MeanFaultGapUs { get; init; } = 150_000;

    /// <summary>After the heal, ticks (at the nominal period) within which the cluster must elect, commit and converge.</summary>
    public int LivenessTicks { get; init; } = 400;

    /// <summary>Nominal tick period; each node's own period drifts around it.</summary>
    public long TickUs { get; init; } = 10_000;

    /// <summary>Largest clock drift at start, as a fraction of the tick period (0.2 = ±20%).</summary>
    public double MaxDrift { get; init; } = 0.2;

    public int ElectionTicks { get; init; } = 10;

    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Mean gap between client proposals during the chaos window.</summary>
    public long ProposalGapUs { get; init; } = 4_000;

    /// <summary>Proposal payload size in bytes (at least 16: id and seed tag).</summary>
    public int PayloadBytes { get; init; } = 16;

    /// <summary>Applied entries between two local snapshots (the log up to the snapshot is then compacted).</summary>
    public int SnapshotEvery { get; init; } = 40;

    /// <summary>Entries kept in memory behind a snapshot, so a slightly lagging follower still catches up by log.</summary>
    public int KeepBehindSnapshot { get; init; } = 5;

    /// <summary>
    /// fsync latency range in microseconds: wide enough that crashes land between sending a message and making
    /// what it depends on durable.
    /// </summary>
    public long MinFsyncUs { get; init; } = 2_000;

    public long MaxFsyncUs { get; init; } = 20_000;

    /// <summary>Share of fsyncs that stall (the long tail of a real disk), and their latency range.</summary>
    public double FsyncStallRate { get; init; } = 0.005;

    public long MinFsyncStallUs { get; init; } = 100_000;

    public long MaxFsyncStallUs { get; init; } = 250_000;

    /// <summary>Longest delay between a removal committing and the removed member's process being stopped.</summary>
    public long MaxStopDelayUs { get; init; } = 250_000;

    /// <summary>
    /// After convergence, how long the healed and quiet cluster keeps running, so the disruption check can watch a
    /// stable leader (0 ends the run at convergence).
    /// </summary>
    public int CalmTailTicks { get; init; } = 60;

    /// <summary>Storage reads one step (one tick, message, fsync completion) may make before it counts as a hang.</summary>
    public long MaxStorageReadsPerStep { get; init; } = 200_000;

    /// <summary>Wall-clock budget of one seed; a seed over it is a watchdog failure, never a hang of the sweep.</summary>
    public TimeSpan WallBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When set, this schedule replaces the seed's generated fault plan (scripted scenarios).</summary>
    public IReadOnlyList<FaultEvent>? Script { get; init; }

    /// <summary>Raft's per-message byte budget: small by default so that batching and flow control are exercised.</summary>
    public int MaxSizePerMessage { get; init; } = 4 * 1024;

    /// <summary>Raft's in-flight append window per follower.</summary>
    public int MaxInflightMessages { get; init; } = 64;

    /// <summary>Bytes per snapshot chunk message (small, so snapshot transfer is exercised in several chunks).</summary>
    public int SnapshotChunkBytes { get; init; } = 8;

    /// <summary>Whether the seed's fault plan runs at all (the benchmark turns it off).</summary>
    public bool InjectFaults { get; init; } = true;

    /// <summary>
    /// 0: an open-loop client proposing at random gaps. Above 0: a closed-loop client that keeps this many proposals
    /// pending on the leader, topped up every <see cref="ProposalGapUs"/> (the benchmark's load).
    /// </summary>
    public int ClientWindow { get; init; }

    /// <summary>Every link's profile when no fault overrides it.</summary>
    public LinkProfile Network { get; init; } = LinkProfile.Healthy;

    /// <summary>
    /// Deliberately breaks the harness's persist-before-send rule (messages that vouch for persisted state leave
    /// before the fsync). Only for proving that the checks catch the lost-write bugs this causes.
    /// </summary>
    public bool SabotageSendBeforeFsync { get; init; }

    /// <summary>
    /// Deliberately makes the first step at or after this simulated time never return (0: off). Only for proving that
    /// the wall-clock watchdog abandons such a run and reports it instead of hanging the sweep.
    /// </summary>
    public long SabotageStepNeverReturnsAtUs { get; init; }

    /// <summary>
    /// Events (steps) one run may take. Normal runs take tens of thousands; a run far beyond is a message storm
    /// (nodes answering each other at zero simulated cost forever), reported by the watchdog.
    /// </summary>
    public long MaxEvents { get; init; } = 1_000_000;

    /// <summary>Fault ids (from the generated plan) to leave out; the shrinker uses this.</summary>
    public IReadOnlySet<int> WithoutFaults { get; init; } = new SortedSet<int>();

    /// <summary>Record a human-readable trace of every event (slower).</summary>
    public bool Trace { get; init; }

    /// <summary>The options a seed gets by default: cluster size and fault mix vary with the seed.</summary>
    public static SimulationOptions ForSeed(long seed, int? nodes = null)
    {
        var mixes = Enum.GetValues<FaultMix>();
        var sizes = new[] { 3, 5, 7 };
        var random = SeedStreams.For(seed, SeedStreams.Cluster);
        return new SimulationOptions
        {
            Seed = seed,
            Mix = mixes[(int)(Math.Abs(seed) % mixes.Length)],
            Nodes = nodes ?? sizes[(int)(Math.Abs(seed / mixes.Length) % sizes.Length)],
            SnapshotEvery = 20 + random.Next(60),
            ProposalGapUs = 2_000 + random.Next(6_000),
        };
    }

    /// <summary>The command-line arguments that replay exactly this run.</summary>
    public string ReplayArguments()
    {
        var text = $"--seed {Seed} --nodes {Nodes} --mix {Mix} --chaos-ms {ChaosUs / 1000}";
        if (Script is [{ } scripted])
        {
            text += $" --script {scripted.Kind}";
        }

        if (WithoutFaults.Count > 0)
        {
            text += $" --without {string.Join(',', WithoutFaults)}";
        }

        return text + " --trace";
    }
}

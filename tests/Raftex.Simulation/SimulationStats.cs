namespace Raftex.Simulation;

/// <summary>Figures of one or many runs.</summary>
public sealed class SimulationStats
{
    /// <summary>Node ticks simulated.</summary>
    public long Ticks { get; set; }

    /// <summary>Simulated microseconds.</summary>
    public long SimulatedUs { get; set; }

    /// <summary>Distinct (term, leader) elections.</summary>
    public long Elections { get; set; }

    /// <summary>Entries committed (the highest applied index, summed over runs).</summary>
    public long Commits { get; set; }

    /// <summary>Client proposals acknowledged (applied on the node they were proposed to).</summary>
    public long Acknowledged { get; set; }

    public long Proposals { get; set; }

    /// <summary>Local snapshots taken.</summary>
    public long Snapshots { get; set; }

    /// <summary>Snapshots installed from a leader.</summary>
    public long SnapshotsInstalled { get; set; }

    /// <summary>Membership changes committed.</summary>
    public long ConfChanges { get; set; }

    /// <summary>Leadership transfers requested.</summary>
    public long Transfers { get; set; }

    /// <summary>ReadIndex reads confirmed and checked.</summary>
    public long Reads { get; set; }

    public long Crashes { get; set; }

    public long Partitions { get; set; }

    public long Messages { get; set; }

    /// <summary>Append messages that carried entries, and the entries they carried (batching).</summary>
    public long Appends { get; set; }

    public long AppendedEntries { get; set; }

    public long Events { get; set; }

    public void Add(SimulationStats other)
    {
        Ticks += other.Ticks;
        SimulatedUs += other.SimulatedUs;
        Elections += other.Elections;
        Commits += other.Commits;
        Acknowledged += other.Acknowledged;
        Proposals += other.Proposals;
        Snapshots += other.Snapshots;
        SnapshotsInstalled += other.SnapshotsInstalled;
        ConfChanges += other.ConfChanges;
        Transfers += other.Transfers;
        Reads += other.Reads;
        Crashes += other.Crashes;
        Partitions += other.Partitions;
        Messages += other.Messages;
        Appends += other.Appends;
        AppendedEntries += other.AppendedEntries;
        Events += other.Events;
    }

    public override string ToString() =>
        $"ticks={Ticks} elections={Elections} commits={Commits} acked={Acknowledged}/{Proposals} snapshots={Snapshots} " +
        $"snapshots_installed={SnapshotsInstalled} confchanges={ConfChanges} transfers={Transfers} reads={Reads} crashes={Crashes} " +
        $"partitions={Partitions} messages={Messages} simulated_s={SimulatedUs / 1_000_000.0:0.#}";
}

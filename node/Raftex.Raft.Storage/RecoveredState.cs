namespace Raftex.Raft.Storage;

/// <summary>What a node restarts Raft from: the newest snapshot, the hard state, and the log entries after the snapshot.</summary>
/// <param name="HardState">The last hard state written.</param>
/// <param name="Snapshot">The newest snapshot, with its data.</param>
/// <param name="Entries">The log entries after the snapshot, in index order.</param>
/// <param name="TornTail">What replay cut from the end of the WAL, or null when nothing was cut.</param>
public sealed record RecoveredState(HardState HardState, Snapshot Snapshot, IReadOnlyList<Entry> Entries, WalTornTail? TornTail)
{
    /// <summary>The index of the last entry, or the snapshot index when there are none.</summary>
    public long LastIndex => Entries.Count > 0 ? Entries[^1].Index : Snapshot.Metadata.Index;
}

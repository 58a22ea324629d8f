namespace Raftex.Raft.Storage;

/// <summary>What a node restarts Raft from: the newest snapshot, the hard state, and the log entries after the snapshot.</summary>
public sealed record RecoveredState(HardState HardState, Snapshot Snapshot, IReadOnlyList<Entry> Entries)
{
    /// <summary>The index of the last entry, or the snapshot index when there are none.</summary>
    public long LastIndex => Entries.Count > 0 ? Entries[^1].Index : Snapshot.Metadata.Index;
}

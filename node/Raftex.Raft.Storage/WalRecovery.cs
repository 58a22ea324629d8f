namespace Raftex.Raft.Storage;

/// <summary>What <see cref="WriteAheadLog.Open"/> found on disk: the state Raft restarts from.</summary>
/// <param name="HardState">The last hard state written (empty for a new log).</param>
/// <param name="Snapshot">The newest snapshot marker: the log holds only entries after its index.</param>
/// <param name="Entries">The live entries after the snapshot, in index order, with recorded truncations applied.</param>
/// <param name="TornTail">What was cut from the end of the last segment, or null when nothing but zeros followed the last valid record.</param>
public sealed record WalRecovery(HardState HardState, SnapshotMetadata Snapshot, IReadOnlyList<Entry> Entries, WalTornTail? TornTail)
{
    /// <summary>Bytes of a torn tail that were cut from the last segment (0 after a clean shutdown).</summary>
    public long DiscardedTailBytes => TornTail?.Bytes ?? 0;

    /// <summary>The index of the last live entry, or the snapshot index when there are none.</summary>
    public long LastIndex => Entries.Count > 0 ? Entries[^1].Index : Snapshot.Index;
}

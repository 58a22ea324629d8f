namespace Raftex.Raft.Storage;

/// <summary>
/// A node's durable Raft state in one data directory: the write-ahead log in <c>wal/</c> and snapshots in
/// <c>snap/</c>, opened, recovered and compacted together so the ordering rules between them hold.
/// </summary>
/// <remarks>
/// The WAL's lock file guards the whole data directory, snapshots included: the snapshot store is only
/// touched after the lock is taken.
/// </remarks>
public sealed class RaftStorage : IDisposable
{
    public const string WalDirectoryName = "wal";
    public const string SnapshotDirectoryName = "snap";

    /// <summary>What an operator can do about a data directory that lost or damaged what it needs: let the member start over.</summary>
    public const string RejoinAdvice =
        "wipe this data directory and re-add the member (remove it, then add it as a learner with its new incarnation) so it catches up from the leader";

    private RaftStorage(WriteAheadLog log, SnapshotStore snapshots)
    {
        Log = log;
        Snapshots = snapshots;
    }

    /// <summary>The write-ahead log: Save + Sync per Ready batch, or AppendAsync from concurrent producers.</summary>
    public WriteAheadLog Log { get; private set; }

    /// <summary>The snapshot files.</summary>
    public SnapshotStore Snapshots { get; }

    /// <summary>
    /// Opens the data directory and recovers. If a crash fell between writing a snapshot file and marking it in
    /// the log, the newer snapshot wins and the mark is completed now, so the log continues right after it.
    /// </summary>
    /// <exception cref="SnapshotMissingException">The log marks a snapshot that no snapshot file holds.</exception>
    /// <remarks>If the disk is too full to complete the mark, the storage opens with a log that refuses writes (the
    /// failure satisfies <see cref="DiskFull.IsCause"/>) until <see cref="ReopenLog"/> succeeds with space to write it.</remarks>
    public static (RaftStorage Storage, RecoveredState State) Open(string dataDirectory, WalOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        options ??= WalOptions.Default;
        var (log, recovery) = WriteAheadLog.Open(Path.Combine(dataDirectory, WalDirectoryName), options);
        try
        {
            var snapshots = new SnapshotStore(Path.Combine(dataDirectory, SnapshotDirectoryName), options.GroupId);
            return (new RaftStorage(log, snapshots), Reconcile(log, recovery, snapshots));
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replaces a log that a failed write poisoned (see <see cref="WriteAheadLog.Reopen"/>) with one replayed from
    /// disk, applying the same snapshot rule as <see cref="Open"/>. Returns what is durable now.
    /// </summary>
    public RecoveredState ReopenLog()
    {
        var (log, recovery) = Log.Reopen();
        Log = log;
        return Reconcile(log, recovery, Snapshots);
    }

    private static RecoveredState Reconcile(WriteAheadLog log, WalRecovery recovery, SnapshotStore snapshots)
    {
        var snapshot = snapshots.LoadNewest(out var newestFile);
        var marked = recovery.Snapshot;
        var entries = recovery.Entries;
        if (snapshot.Metadata.Index < marked.Index || (snapshot.Metadata.Index == marked.Index && snapshot.Metadata.Term != marked.Term))
        {
            throw new SnapshotMissingException(log.Directory, marked, snapshots.PathOf(marked), newestFile, snapshot.Metadata);
        }

        if (snapshot.Metadata.Index > marked.Index)
        {
            // The snapshot file is durable but its mark never reached the log: finish the mark exactly as
            // SaveSnapshot would have, and apply the same rule to the recovered entries.
            try
            {
                log.SaveSnapshot(snapshot.Metadata);
                log.Sync();
                log.ReleaseTo(snapshot.Metadata.Index);
            }
            catch (Exception e) when (DiskFull.IsCause(e))
            {
                // No room for the mark: the log is poisoned by the failure and refuses every write until ReopenLog
                // finishes the mark, so nothing can be appended after the unmarked snapshot. Opening still succeeds,
                // so a node restarted on a full disk comes up and serves what it has.
            }

            entries = EntriesAfter(entries, snapshot.Metadata);
        }

        // The snapshot holds committed state, so commit is at least its index, even when the hard state that said so
        // did not survive: a crash after the file and before the mark, or a torn tail that kept the mark and cut the
        // hard state written after it.
        var hardState = recovery.HardState.Commit < snapshot.Metadata.Index ? recovery.HardState with { Commit = snapshot.Metadata.Index } : recovery.HardState;
        return new RecoveredState(hardState, snapshot, entries, recovery.TornTail);
    }

    /// <summary>
    /// Makes <paramref name="snapshot"/> the log's new start: the snapshot file is made durable first, then marked
    /// in the log and synced, and only then are the segments it covers deleted.
    /// </summary>
    public void SaveSnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Snapshots.Save(snapshot);
        Log.SaveSnapshot(snapshot.Metadata);
        Log.Sync();
        Log.ReleaseTo(snapshot.Metadata.Index);
    }

    public void Dispose() => Log.Dispose();

    private static Entry[] EntriesAfter(IReadOnlyList<Entry> entries, SnapshotMetadata snapshot)
    {
        var at = -1;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Index == snapshot.Index)
            {
                at = i;
                break;
            }
        }

        if (at < 0 || entries[at].Term != snapshot.Term)
        {
            return [];
        }

        var rest = new Entry[entries.Count - at - 1];
        for (var i = 0; i < rest.Length; i++)
        {
            rest[i] = entries[at + 1 + i];
        }

        return rest;
    }
}

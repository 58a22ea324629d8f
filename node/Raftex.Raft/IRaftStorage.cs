namespace Raftex.Raft;

/// <summary>
/// The durable log as Raft reads it. The application writes it after persisting each Ready.
/// Index <c>FirstIndex() - 1</c> is the last index covered by the snapshot; its term must stay readable.
/// </summary>
public interface IRaftStorage
{
    /// <summary>Hard state and membership as of the last persisted state.</summary>
    (HardState HardState, ConfState ConfState) InitialState();

    /// <summary>Entries in [lo, hi), at least one if any, then as many as fit in <paramref name="maxBytes"/>. Throws <see cref="LogCompactedException"/> when lo is compacted.</summary>
    IReadOnlyList<Entry> Entries(long lo, long hi, long maxBytes);

    /// <summary>Term of the entry at index, for index in [FirstIndex()-1, LastIndex()]; throws <see cref="LogCompactedException"/> or <see cref="LogUnavailableException"/> otherwise.</summary>
    long Term(long index);

    /// <summary>Index of the first entry still held (snapshot index + 1).</summary>
    long FirstIndex();

    /// <summary>Index of the last entry held (the snapshot index when the log is empty).</summary>
    long LastIndex();

    /// <summary>The most recent snapshot.</summary>
    Snapshot Snapshot();
}

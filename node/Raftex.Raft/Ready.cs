namespace Raftex.Raft;

/// <summary>
/// A batch of work for the application. Handle it in this order: persist <see cref="Snapshot"/>,
/// <see cref="Entries"/> and <see cref="HardState"/> (fsync if <see cref="MustSync"/>); send
/// <see cref="MessagesAfterPersist"/>; apply <see cref="CommittedEntries"/>; then call
/// <see cref="RaftNode.Advance"/>. <see cref="Messages"/> may be sent as soon as the Ready is taken.
/// </summary>
public sealed class Ready
{
    /// <summary>Leader and role, only when they changed since the last Ready.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>Term, vote and commit, only when they changed since the last Ready.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Entries to append durably. If the first index is at or below the last stored index, the stored suffix from there is replaced.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>A snapshot received from the leader, to persist and install before applying anything else.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Committed entries to apply, in order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    /// <summary>Messages that vouch for nothing unpersisted (leader appends, heartbeats, snapshot chunks): send right away.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>Messages that vouch for this Ready's persisted state (votes, vote and append responses): send only once it is durable.</summary>
    public IReadOnlyList<Message> MessagesAfterPersist { get; init; } = [];

    /// <summary>ReadIndex requests confirmed by a quorum.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>Entries, a snapshot, the term or the vote changed: the write must be fsynced.</summary>
    public bool MustSync { get; init; }
}

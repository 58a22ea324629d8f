namespace Raftex.Raft.Storage;

/// <summary>The kinds of record a WAL segment holds. Zero is never valid, so a zero-filled tail never parses.</summary>
internal enum WalRecordType : byte
{
    /// <summary>One Raft entry: index, term, entry type, data.</summary>
    Entry = 1,

    /// <summary>Term, vote, commit; the newest one wins on replay.</summary>
    HardState = 2,

    /// <summary>Entries from this index on are void (a follower overwrote a conflicting suffix).</summary>
    Truncate = 3,

    /// <summary>A durable snapshot covers the log up to this index/term; replay keeps only entries after it.</summary>
    SnapshotMarker = 4,
}

namespace Raftex.Raft;

/// <summary>What a log entry carries: an application command, or a membership change.</summary>
public enum EntryType : byte
{
    /// <summary>An application command; an empty payload is the leader's no-op.</summary>
    Normal = 0,

    /// <summary>A <see cref="ConfChange"/> encoded with <see cref="ConfChange.Encode"/>.</summary>
    ConfChange = 1,
}

/// <summary>One entry of the replicated log. Index and term are assigned by the leader.</summary>
public readonly record struct Entry(long Index, long Term, EntryType Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Bytes this entry counts for when batching messages and sizing the uncommitted tail.</summary>
    public int Size => Data.Length + 24;
}

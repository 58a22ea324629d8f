namespace Raftex.Raft.Storage;

/// <summary>How a <see cref="WriteAheadLog"/> lays out and checks its segment files.</summary>
public sealed record WalOptions
{
    /// <summary>The default segment size: 64 MiB.</summary>
    public const long DefaultSegmentSize = 64L * 1024 * 1024;

    /// <summary>A segment is closed and a new one started once it holds at least this many bytes.</summary>
    public long SegmentSize { get; init; } = DefaultSegmentSize;

    /// <summary>The Raft group this log belongs to; written into every segment header and checked on open.</summary>
    public long GroupId { get; init; }

    /// <summary>Encoded bytes held in memory before they are handed to the OS (they are durable only after a sync).</summary>
    public int WriteBufferSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// Zero-filled space written ahead of the log in the current segment, so a sync overwrites allocated blocks
    /// instead of growing the file (growing costs a journal commit per fsync). 0 turns preallocation off.
    /// </summary>
    public int PreallocationSize { get; init; } = 4 * 1024 * 1024;

    public static readonly WalOptions Default = new();

    internal void Validate()
    {
        if (SegmentSize < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSize), SegmentSize, "segment size must be at least 4096 bytes");
        }

        if (GroupId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(GroupId), GroupId, "group id must not be negative");
        }

        if (PreallocationSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PreallocationSize), PreallocationSize, "preallocation must not be negative");
        }

        if (WriteBufferSize < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(WriteBufferSize), WriteBufferSize, "write buffer must be at least 4096 bytes");
        }
    }
}

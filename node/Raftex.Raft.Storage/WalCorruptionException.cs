namespace Raftex.Raft.Storage;

/// <summary>A WAL segment holds damaged data that is not a torn final write; opening refuses rather than drop committed entries.</summary>
public sealed class WalCorruptionException : IOException
{
    public WalCorruptionException(string segmentPath, long offset, string reason)
        : base($"WAL segment '{segmentPath}' is corrupt at byte offset {offset}: {reason}; restore the data directory from a copy, or {RaftStorage.RejoinAdvice}")
    {
        SegmentPath = segmentPath;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The segment file holding the damage.</summary>
    public string SegmentPath { get; }

    /// <summary>Byte offset in <see cref="SegmentPath"/> of the first record (or header) that could not be read.</summary>
    public long Offset { get; }

    public string Reason { get; }
}

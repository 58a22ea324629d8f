namespace Raftex.Exchange;

/// <summary>A snapshot that cannot be restored: wrong magic, unsupported version, checksum mismatch or truncated.</summary>
public sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException()
    {
    }

    public SnapshotFormatException(string message)
        : base(message)
    {
    }

    public SnapshotFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

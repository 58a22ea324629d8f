namespace Raftex.Raft.Storage;

/// <summary>The newest snapshot file is unreadable; recovery stops instead of silently falling back to an older one.</summary>
public sealed class SnapshotCorruptionException : IOException
{
    public SnapshotCorruptionException(string path, string reason)
        : base($"snapshot file '{path}' is corrupt: {reason}; restore the file from a copy, or {RaftStorage.RejoinAdvice}")
    {
        FilePath = path;
    }

    public string FilePath { get; }
}

namespace Raftex.Raft.Storage;

/// <summary>Another writer (process or open log) holds the directory's lock file, so this one may not write the log.</summary>
public sealed class WalLockedException : IOException
{
    public WalLockedException(string directory, Exception inner)
        : base($"WAL directory '{directory}' is locked by another writer (lock file '{WriteAheadLog.LockFileName}'); " +
               "two processes must never write one log", inner)
    {
        Directory = directory;
    }

    public string Directory { get; }
}

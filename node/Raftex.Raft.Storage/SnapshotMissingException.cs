namespace Raftex.Raft.Storage;

/// <summary>
/// The WAL starts after a snapshot that no snapshot file holds (the file was deleted or moved away): the entries up to
/// it exist nowhere on this node, so opening refuses rather than start from an older state with a gap behind it.
/// </summary>
public sealed class SnapshotMissingException : IOException
{
    public SnapshotMissingException(string walDirectory, SnapshotMetadata marked, string expectedFile, string? newestFile, SnapshotMetadata newest)
        : base($"the WAL in '{walDirectory}' starts after snapshot {marked.Index}/{marked.Term} (index/term), but its file '{expectedFile}' is missing; " +
               (newestFile is null ? "the snapshot directory holds no snapshot file" : $"the newest snapshot file is '{newestFile}' ({newest.Index}/{newest.Term})") +
               $", so the state at index {marked.Index} exists nowhere on this node. Put '{Path.GetFileName(expectedFile)}' back into " +
               $"'{Path.GetDirectoryName(expectedFile)}' if a copy exists; otherwise {RaftStorage.RejoinAdvice}")
    {
        MarkedSnapshot = marked;
        ExpectedFile = expectedFile;
    }

    /// <summary>The snapshot the WAL is marked with.</summary>
    public SnapshotMetadata MarkedSnapshot { get; }

    /// <summary>The path the marked snapshot's file should have.</summary>
    public string ExpectedFile { get; }
}

namespace Raftex.Raft;

/// <summary>Where a snapshot sits in the log, and the membership in force at that point.</summary>
public sealed record SnapshotMetadata(long Index, long Term, ConfState ConfState)
{
    public static readonly SnapshotMetadata Empty = new(0, 0, ConfState.Empty);
}

/// <summary>The application state as of <see cref="SnapshotMetadata.Index"/>, opaque to Raft.</summary>
public sealed record Snapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data)
{
    public static readonly Snapshot Empty = new(SnapshotMetadata.Empty, ReadOnlyMemory<byte>.Empty);

    public bool IsEmpty => Metadata.Index == 0;
}

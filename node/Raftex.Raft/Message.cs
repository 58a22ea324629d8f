namespace Raftex.Raft;

/// <summary>A message between two Raft peers. Which fields matter depends on <see cref="Type"/>.</summary>
public sealed record Message(MessageType Type, long From, long To, long Term)
{
    /// <summary>Append: term of the entry at <see cref="Index"/>. Votes: the candidate's last log term. Append reject: the follower's hint term.</summary>
    public long LogTerm { get; init; }

    /// <summary>Append: index preceding the entries. Votes: candidate's last index. Responses: see <see cref="MessageType"/>.</summary>
    public long Index { get; init; }

    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>The sender's commit index (for heartbeats: capped at what the follower is known to hold).</summary>
    public long Commit { get; init; }

    public bool Reject { get; init; }

    /// <summary>On an append reject: the follower's guess of the last index that might match.</summary>
    public long RejectHint { get; init; }

    /// <summary>Vote request sent because the leader asked this node to take over: voters ignore their leader lease.</summary>
    public bool Transfer { get; init; }

    /// <summary>Snapshot chunk: which snapshot (index, term, membership).</summary>
    public SnapshotMetadata? SnapshotMetadata { get; init; }

    /// <summary>Snapshot chunk: byte offset of <see cref="SnapshotChunk"/> in the snapshot data; on a response, the next offset expected.</summary>
    public long SnapshotOffset { get; init; }

    public ReadOnlyMemory<byte> SnapshotChunk { get; init; }

    /// <summary>Snapshot chunk: this is the last chunk.</summary>
    public bool SnapshotDone { get; init; }

    /// <summary>ReadIndex request context, echoed by heartbeats and responses.</summary>
    public ReadOnlyMemory<byte> Context { get; init; }

    public override string ToString() =>
        $"{Type} {From}->{To} t{Term} i{Index} lt{LogTerm} c{Commit} n{Entries.Count}{(Reject ? " reject hint " + RejectHint : string.Empty)}";
}

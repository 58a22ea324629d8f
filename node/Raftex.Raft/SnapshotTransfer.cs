namespace Raftex.Raft;

/// <summary>
/// Leader-side state of one chunked snapshot send. Stop-and-wait: one chunk outstanding, the next
/// goes when the follower acknowledges; an unacknowledged chunk is resent after a few ticks.
/// </summary>
internal sealed class SnapshotTransfer(Snapshot snapshot)
{
    public Snapshot Snapshot { get; } = snapshot;

    /// <summary>Bytes the follower has acknowledged.</summary>
    public long Acked { get; set; }

    /// <summary>Ticks since the outstanding chunk was sent.</summary>
    public int TicksSinceSend { get; set; }

    public long Total => Snapshot.Data.Length;
}

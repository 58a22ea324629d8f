namespace Raftex.Raft;

/// <summary>The kinds of message Raft peers exchange.</summary>
public enum MessageType : byte
{
    /// <summary>Pre-vote request: "would you vote for me at Term?" — changes no state on either side.</summary>
    PreVote = 1,
    PreVoteResponse = 2,

    /// <summary>Vote request (RequestVote RPC). <see cref="Message.Transfer"/> marks a campaign started by leadership transfer.</summary>
    Vote = 3,
    VoteResponse = 4,

    /// <summary>AppendEntries RPC: Index/LogTerm name the entry preceding <see cref="Message.Entries"/>.</summary>
    Append = 5,

    /// <summary>Append result: Index is the last matching index, or on reject the probed index with a hint.</summary>
    AppendResponse = 6,

    /// <summary>Leader heartbeat carrying a safe commit index and, for ReadIndex, a request context.</summary>
    Heartbeat = 7,
    HeartbeatResponse = 8,

    /// <summary>One chunk of a snapshot (InstallSnapshot RPC, chunked).</summary>
    Snapshot = 9,

    /// <summary>Acknowledges a snapshot chunk; SnapshotOffset is the next byte the follower expects.</summary>
    SnapshotResponse = 10,

    /// <summary>Sent by a leader to its transfer target: campaign now, bypassing pre-vote and leases.</summary>
    TimeoutNow = 11,

    /// <summary>A follower forwarding a ReadIndex request to its leader.</summary>
    ReadIndex = 12,

    /// <summary>The leader's answer to a forwarded ReadIndex: Index is the read index.</summary>
    ReadIndexResponse = 13,

    /// <summary>A follower forwarding a leadership transfer request to its leader (Index = target).</summary>
    TransferLeadership = 14,
}

namespace Raftex.Client;

/// <summary>How an Admin call ended, mapped from the gRPC status so callers never parse exceptions.</summary>
public enum AdminOutcome
{
    /// <summary>The call succeeded.</summary>
    Ok,
    /// <summary>The node is not the leader; <see cref="AdminResult{T}.LeaderHint"/> names the leader it knows.</summary>
    NotLeader,
    /// <summary>The cluster state forbids the request (e.g. a version not every voter supports).</summary>
    Rejected,
    /// <summary>A conflicting change is in flight; retry later.</summary>
    Conflict,
    /// <summary>Unknown group, node or member.</summary>
    NotFound,
    /// <summary>The request was malformed.</summary>
    InvalidArgument,
    /// <summary>The node could not be reached or is starting/stopping.</summary>
    Unavailable,
    /// <summary>The call's deadline passed before the node answered.</summary>
    DeadlineExceeded,
    /// <summary>The caller cancelled the call.</summary>
    Cancelled,
    /// <summary>Any other failure (internal error, unexpected status).</summary>
    Failed,
}

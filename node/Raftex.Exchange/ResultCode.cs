namespace Raftex.Exchange;

/// <summary>The outcome of one applied command.</summary>
public enum ResultCode : byte
{
    None = 0,
    Rejected = 1,
    Accepted = 2,
    Cancelled = 3,
    Replaced = 4,
    Deposited = 5,
    Withdrawn = 6,
    SessionRegistered = 7,
}

namespace Raftex.Exchange;

/// <summary>The command carried by a log entry envelope.</summary>
public enum CommandType : byte
{
    RegisterSession = 1,
    Deposit = 2,
    Withdraw = 3,
    PlaceOrder = 4,
    CancelOrder = 5,
    ReplaceOrder = 6,

    /// <summary>Raises the entry format version the leader writes (replicated, so every node agrees when it changes).</summary>
    SetEntryFormat = 7,
}

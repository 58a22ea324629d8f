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
}

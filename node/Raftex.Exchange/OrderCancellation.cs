namespace Raftex.Exchange;

/// <summary>A resting order (not the command's own order) cancelled as a side effect, e.g. by self-trade prevention.</summary>
public readonly record struct OrderCancellation(long OrderId, long Account, long CancelledQuantity, CancelReason Reason);

namespace Raftex.Exchange;

/// <summary>Why (part of) an order was cancelled.</summary>
public enum CancelReason : byte
{
    None = 0,

    /// <summary>The owner asked for it.</summary>
    Requested = 1,

    /// <summary>An IOC or market order's unfilled remainder.</summary>
    ImmediateRemainder = 2,

    /// <summary>Self-trade prevention.</summary>
    SelfTrade = 3,

    /// <summary>The command reached the per-command trade limit (trade ids are logIndex × 65536 + n).</summary>
    MatchLimit = 4,
}

namespace Raftex.Exchange;

/// <summary>How long an order may stay on the book.</summary>
public enum TimeInForce : byte
{
    /// <summary>Good till cancelled: the remainder rests.</summary>
    Gtc = 1,

    /// <summary>Immediate or cancel: the remainder is cancelled.</summary>
    Ioc = 2,

    /// <summary>Fill or kill: fills completely at once, or nothing happens.</summary>
    Fok = 3,

    /// <summary>Rests only; rejected if it would take liquidity.</summary>
    PostOnly = 4,
}

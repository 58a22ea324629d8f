namespace Raftex.Exchange;

/// <summary>What happens when an incoming order would trade with a resting order of the same account.</summary>
public enum SelfTradePrevention : byte
{
    /// <summary>The incoming order's remainder is cancelled; the resting order stays (default).</summary>
    CancelTaker = 1,

    /// <summary>The resting order is cancelled and matching continues.</summary>
    CancelMaker = 2,

    /// <summary>Both the resting order and the incoming remainder are cancelled.</summary>
    CancelBoth = 3,
}

namespace Raftex.Agents.Strategies;

/// <summary>What an agent asks the exchange to do.</summary>
public enum ActionKind
{
    /// <summary>A limit order that rests (GTC).</summary>
    Limit,

    /// <summary>A limit order whose remainder is cancelled at once (IOC): takes only what is there at its price or better.</summary>
    LimitIoc,

    /// <summary>A market order (IOC) with a protection price.</summary>
    Market,

    /// <summary>Cancel-replace of a resting order to a new price and size.</summary>
    Replace,

    /// <summary>Cancel a resting order.</summary>
    Cancel,
}

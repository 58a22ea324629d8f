namespace Raftex.Agents.Strategies;

/// <summary>The four kinds of trading agent.</summary>
public enum StrategyKind
{
    /// <summary>Two-sided quotes around the mid with a spread and an inventory skew, re-quoted with cancel-replace.</summary>
    MarketMaker,

    /// <summary>Moving-average crossover on the trade stream.</summary>
    Momentum,

    /// <summary>Random limit and market orders around the mid.</summary>
    Noise,

    /// <summary>Two symbols quoting the same asset: trades both when their prices diverge past a threshold.</summary>
    Arbitrage,
}

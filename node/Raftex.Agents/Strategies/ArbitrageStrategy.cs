namespace Raftex.Agents.Strategies;

/// <summary>
/// Watches two symbols that quote the same asset (e.g. BTC-USD and BTC-USDC, whose quote currencies it takes at par):
/// when one's best bid exceeds the other's best ask by more than <c>thresholdBp</c> basis points it buys the cheap one
/// and sells the dear one, both as IOC limits at the touch, within a position limit per symbol.
/// </summary>
public sealed class ArbitrageStrategy : IStrategy
{
    public ArbitrageStrategy(StrategyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ThresholdBp = parameters.Get("thresholdBp", 10, 0, 10_000);
        Size = parameters.Get("size", 1, 1, 1_000_000);
        MaxPosition = parameters.Get("maxPosition", 10, 1, 1_000_000_000);
        parameters.RejectUnknown();
    }

    public StrategyKind Kind => StrategyKind.Arbitrage;

    public int SymbolsPerAgent => 2;

    /// <summary>Divergence, in basis points of the cheaper ask, beyond which it trades.</summary>
    public long ThresholdBp { get; }

    /// <summary>Lots per leg.</summary>
    public long Size { get; }

    /// <summary>Largest absolute inventory per symbol, in lots.</summary>
    public long MaxPosition { get; }

    public void Decide(IReadOnlyList<MarketView> markets, IReadOnlyList<SlotState> slots, ref DeterministicRandom random, List<AgentAction> actions)
    {
        ArgumentNullException.ThrowIfNull(markets);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(actions);
        if (!TryLegs(markets, slots, cheap: 0, dear: 1, actions))
        {
            TryLegs(markets, slots, cheap: 1, dear: 0, actions);
        }
    }

    private bool TryLegs(IReadOnlyList<MarketView> markets, IReadOnlyList<SlotState> slots, int cheap, int dear, List<AgentAction> actions)
    {
        var ask = markets[cheap].BestAsk;
        var bid = markets[dear].BestBid;
        if (ask <= 0 || bid <= 0 || (bid - ask) * 10_000 <= ThresholdBp * ask)
        {
            return false;
        }

        if (slots[cheap].Inventory + Size > MaxPosition || slots[dear].Inventory - Size < -MaxPosition)
        {
            return false;
        }

        actions.Add(AgentAction.LimitIoc(cheap, Side.Buy, ask, Size));
        actions.Add(AgentAction.LimitIoc(dear, Side.Sell, bid, Size));
        return true;
    }
}

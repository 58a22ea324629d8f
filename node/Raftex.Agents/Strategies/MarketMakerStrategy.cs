namespace Raftex.Agents.Strategies;

/// <summary>
/// Quotes both sides around the mid: bid at mid − spread/2, ask at mid + spread/2, both shifted down by
/// <c>skew</c> ticks per lot of inventory so a long maker sells more readily than it buys (and a short one the
/// reverse). A side whose inventory limit is reached is pulled. A quote that drifted <c>requote</c> ticks or more from
/// where it should be is moved with cancel-replace, which keeps the order id and the reservation.
/// </summary>
public sealed class MarketMakerStrategy : IStrategy
{
    public MarketMakerStrategy(StrategyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Spread = parameters.Get("spread", 20, 2, 1_000_000);
        Size = parameters.Get("size", 1, 1, 1_000_000);
        Skew = parameters.Get("skew", 1, 0, 1_000_000);
        MaxInventory = parameters.Get("maxInventory", 20, 1, 1_000_000_000);
        Requote = parameters.Get("requote", 2, 1, 1_000_000);
        parameters.RejectUnknown();
    }

    public StrategyKind Kind => StrategyKind.MarketMaker;

    public int SymbolsPerAgent => 1;

    /// <summary>Distance between bid and ask, in ticks.</summary>
    public long Spread { get; }

    /// <summary>Lots per quote.</summary>
    public long Size { get; }

    /// <summary>Ticks both quotes move down per lot of inventory (up per lot short).</summary>
    public long Skew { get; }

    /// <summary>Inventory in lots at which the side that would add to it is pulled.</summary>
    public long MaxInventory { get; }

    /// <summary>Ticks a quote may drift from its target before it is replaced.</summary>
    public long Requote { get; }

    public void Decide(IReadOnlyList<MarketView> markets, IReadOnlyList<SlotState> slots, ref DeterministicRandom random, List<AgentAction> actions)
    {
        ArgumentNullException.ThrowIfNull(markets);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(actions);
        var mid = markets[0].Mid;
        if (mid <= 0)
        {
            return;
        }

        var slot = slots[0];
        var shift = Skew * slot.Inventory;
        var half = Spread / 2;
        Quote(slot, Side.Buy, Math.Max(1, mid - half - shift), slot.Inventory < MaxInventory, actions);
        Quote(slot, Side.Sell, Math.Max(2, mid + (Spread - half) - shift), slot.Inventory > -MaxInventory, actions);
    }

    private void Quote(SlotState slot, Side side, long price, bool wanted, List<AgentAction> actions)
    {
        var resting = slot.Resting(side);
        if (!wanted)
        {
            if (resting is not null)
            {
                actions.Add(AgentAction.Cancel(0, resting));
            }
        }
        else if (resting is null)
        {
            actions.Add(AgentAction.Limit(0, side, price, Size));
        }
        else if (Math.Abs(resting.Price - price) >= Requote)
        {
            actions.Add(AgentAction.Replace(0, resting, price, Size));
        }
    }
}

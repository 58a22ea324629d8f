namespace Raftex.Agents.Strategies;

/// <summary>
/// Random flow around the mid: a random side and size; with probability <c>marketPercent</c> a market order, else a
/// limit order up to <c>offset</c> ticks behind the mid (sometimes up to a quarter of that through it, so it trades).
/// With <c>maxOpen</c> orders resting it first cancels its oldest, which keeps the book and its reservations bounded.
/// </summary>
public sealed class NoiseStrategy : IStrategy
{
    public NoiseStrategy(StrategyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        MarketPercent = (int)parameters.Get("marketPercent", 20, 0, 100);
        Offset = parameters.Get("offset", 50, 1, 1_000_000);
        MaxSize = parameters.Get("maxSize", 5, 1, 1_000_000);
        MaxOpen = (int)parameters.Get("maxOpen", 3, 1, 1_000);
        ProtectionBp = parameters.Get("protectionBp", 100, 1, 5_000);
        parameters.RejectUnknown();
    }

    public StrategyKind Kind => StrategyKind.Noise;

    public int SymbolsPerAgent => 1;

    /// <summary>Percent of orders sent at market.</summary>
    public int MarketPercent { get; }

    /// <summary>Largest distance of a limit price from the mid, in ticks.</summary>
    public long Offset { get; }

    /// <summary>Largest order, in lots.</summary>
    public long MaxSize { get; }

    /// <summary>Resting orders at which the oldest is cancelled first.</summary>
    public int MaxOpen { get; }

    /// <summary>How far past the mid, in basis points, a market order's protection price lies.</summary>
    public long ProtectionBp { get; }

    public void Decide(IReadOnlyList<MarketView> markets, IReadOnlyList<SlotState> slots, ref DeterministicRandom random, List<AgentAction> actions)
    {
        ArgumentNullException.ThrowIfNull(markets);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(actions);
        var mid = markets[0].Mid;
        var slot = slots[0];
        if (slot.Open.Count >= MaxOpen)
        {
            actions.Add(AgentAction.Cancel(0, slot.Open[0]));
        }

        if (mid <= 0)
        {
            return;
        }

        var side = random.NextSide();
        var size = random.Between(1, MaxSize);
        if (random.Chance(MarketPercent))
        {
            var protection = mid * ProtectionBp / 10_000;
            actions.Add(AgentAction.Market(0, side, side == Side.Buy ? mid + protection : Math.Max(1, mid - protection), size));
            return;
        }

        // Positive = passive (behind the mid), negative = through it.
        var behind = random.Between(-(Offset / 4), Offset);
        var price = side == Side.Buy ? mid - behind : mid + behind;
        actions.Add(AgentAction.Limit(0, side, Math.Max(1, price), size));
    }
}

namespace Raftex.Agents.Strategies;

/// <summary>
/// Moving-average crossover on the trade stream: when the average of the last <c>fast</c> trade prices crosses above the
/// average of the last <c>slow</c> it buys at market, when it crosses below it sells, within a position limit. The sign
/// of (fast − slow) is the agent's memory; the first sign seen only arms it, so a crossover is always one it watched.
/// </summary>
public sealed class MomentumStrategy : IStrategy
{
    public MomentumStrategy(StrategyParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Fast = (int)parameters.Get("fast", 5, 1, 1_000);
        Slow = (int)parameters.Get("slow", 20, 2, 1_000);
        Size = parameters.Get("size", 1, 1, 1_000_000);
        MaxPosition = parameters.Get("maxPosition", 10, 1, 1_000_000_000);
        ProtectionBp = parameters.Get("protectionBp", 100, 1, 5_000);
        parameters.RejectUnknown();
        if (Fast >= Slow)
        {
            throw new ArgumentException($"momentum parameters: fast ({Fast}) must be below slow ({Slow})");
        }
    }

    public StrategyKind Kind => StrategyKind.Momentum;

    public int SymbolsPerAgent => 1;

    /// <summary>Trades in the fast average.</summary>
    public int Fast { get; }

    /// <summary>Trades in the slow average.</summary>
    public int Slow { get; }

    /// <summary>Lots per order.</summary>
    public long Size { get; }

    /// <summary>Largest absolute inventory in lots.</summary>
    public long MaxPosition { get; }

    /// <summary>How far past the mid, in basis points, a market order's protection price lies.</summary>
    public long ProtectionBp { get; }

    /// <summary>The number of recent trades this strategy needs (the feed keeps at least this many).</summary>
    public int Window => Slow;

    public void Decide(IReadOnlyList<MarketView> markets, IReadOnlyList<SlotState> slots, ref DeterministicRandom random, List<AgentAction> actions)
    {
        ArgumentNullException.ThrowIfNull(markets);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(actions);
        var market = markets[0];
        var trades = market.RecentTrades;
        if (trades.Count < Slow)
        {
            return;
        }

        long fastSum = 0, slowSum = 0;
        for (var i = trades.Count - Slow; i < trades.Count; i++)
        {
            slowSum += trades[i];
            if (i >= trades.Count - Fast)
            {
                fastSum += trades[i];
            }
        }

        // fast/Fast vs slow/Slow compared without division.
        var sign = Math.Sign((fastSum * Slow) - (slowSum * Fast));
        var slot = slots[0];
        var previous = slot.Signal;
        if (sign == 0)
        {
            return;
        }

        slot.Signal = sign;
        var mid = market.Mid;
        if (previous == 0 || previous == sign || mid <= 0)
        {
            return;
        }

        if (sign > 0 && slot.Inventory + Size <= MaxPosition)
        {
            actions.Add(AgentAction.Market(0, Side.Buy, mid + (mid * ProtectionBp / 10_000), Size));
        }
        else if (sign < 0 && slot.Inventory - Size >= -MaxPosition)
        {
            actions.Add(AgentAction.Market(0, Side.Sell, Math.Max(1, mid - (mid * ProtectionBp / 10_000)), Size));
        }
    }
}

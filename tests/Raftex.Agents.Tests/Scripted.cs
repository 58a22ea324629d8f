using Raftex.Agents.Strategies;

namespace Raftex.Agents.Tests;

/// <summary>Scripted market data and a one-call way to run a strategy's decision on it.</summary>
internal static class Scripted
{
    public static StrategyParameters Params(string strategy, params (string Key, long Value)[] values) =>
        new(strategy, values.ToDictionary(v => v.Key, v => v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal));

    public static MarketView Book(long bid, long ask, long last = 0, params long[] trades) => new(bid, ask, last, trades);

    public static List<AgentAction> Decide(IStrategy strategy, MarketView market, SlotState slot, ulong seed = 1)
    {
        var random = new DeterministicRandom(seed);
        return Decide(strategy, [market], [slot], ref random);
    }

    public static List<AgentAction> Decide(IStrategy strategy, MarketView[] markets, SlotState[] slots, ref DeterministicRandom random)
    {
        var actions = new List<AgentAction>();
        strategy.Decide(markets, slots, ref random, actions);
        return actions;
    }

    public static OpenOrder Resting(ulong clientId, Side side, long price, long quantity = 1) => new(clientId + 1000, clientId, side, price, quantity, quantity, 1);
}

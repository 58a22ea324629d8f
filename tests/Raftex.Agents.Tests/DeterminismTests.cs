using Raftex.Agents.Strategies;

namespace Raftex.Agents.Tests;

/// <summary>Every strategy replays a scripted tape of market data to the same decisions for the same seed.</summary>
public sealed class DeterminismTests
{
    /// <summary>A zig-zag market: a rising then falling mid with a trade per step, for two symbols of one asset.</summary>
    private static List<MarketView[]> Tape()
    {
        var tape = new List<MarketView[]>();
        var trades = new List<long>();
        for (var step = 0; step < 300; step++)
        {
            var mid = 10_000 + (step % 60 < 30 ? step % 60 : 60 - (step % 60)) * 3;
            trades.Add(mid + (step % 3) - 1);
            var recent = trades.TakeLast(64).ToArray();
            tape.Add([new MarketView(mid - 5, mid + 5, recent[^1], recent), new MarketView(mid - 5 + (step % 7) * 4, mid + 5 + (step % 7) * 4, recent[^1], recent)]);
        }

        return tape;
    }

    private static List<AgentAction> Replay(IStrategy strategy, long seed, int agent)
    {
        var random = DeterministicRandom.ForAgent(seed, agent);
        var slots = new[] { new SlotState(), new SlotState() };
        var log = new List<AgentAction>();
        foreach (var views in Tape())
        {
            var actions = new List<AgentAction>();
            strategy.Decide(views[..strategy.SymbolsPerAgent], slots[..strategy.SymbolsPerAgent], ref random, actions);
            log.AddRange(actions);
            // Book every order as filled at its price, so positions and quotes evolve along the tape.
            foreach (var a in actions.Where(a => a.Kind is ActionKind.Limit or ActionKind.LimitIoc or ActionKind.Market))
            {
                slots[a.Slot].Inventory += a.Side == Side.Buy ? a.Quantity : -a.Quantity;
            }
        }

        return log;
    }

    public static TheoryData<string> Strategies => ["market-maker", "momentum", "noise", "arbitrage"];

    [Theory]
    [MemberData(nameof(Strategies))]
    public void The_same_seed_and_tape_give_the_same_decisions(string name)
    {
        var strategy = StrategyEntry.Parse($"{name}=1").CreateStrategy();

        var first = Replay(strategy, seed: 42, agent: 3);
        var second = Replay(strategy, seed: 42, agent: 3);

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Agents_of_one_run_draw_independent_streams()
    {
        var noise = StrategyEntry.Parse("noise=1").CreateStrategy();

        Assert.NotEqual(Replay(noise, seed: 42, agent: 0), Replay(noise, seed: 42, agent: 1));
        Assert.NotEqual(Replay(noise, seed: 42, agent: 0), Replay(noise, seed: 43, agent: 0));
    }
}

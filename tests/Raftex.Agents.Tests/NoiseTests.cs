using Raftex.Agents.Strategies;

namespace Raftex.Agents.Tests;

public sealed class NoiseTests
{
    private static NoiseStrategy Noise(int marketPercent = 30, int maxOpen = 3) =>
        new(Scripted.Params("noise", ("marketPercent", marketPercent), ("offset", 40), ("maxSize", 4), ("maxOpen", maxOpen), ("protectionBp", 200)));

    private static List<AgentAction> Run(NoiseStrategy strategy, ulong seed, int decisions)
    {
        var random = new DeterministicRandom(seed);
        var all = new List<AgentAction>();
        for (var i = 0; i < decisions; i++)
        {
            all.AddRange(Scripted.Decide(strategy, [Scripted.Book(9_990, 10_010)], [new SlotState()], ref random));
        }

        return all;
    }

    [Fact]
    public void The_same_seed_gives_the_same_orders_and_another_seed_other_orders()
    {
        var a = Run(Noise(), seed: 42, decisions: 200);
        var b = Run(Noise(), seed: 42, decisions: 200);
        var c = Run(Noise(), seed: 43, decisions: 200);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Orders_stay_within_the_configured_prices_sizes_and_mix()
    {
        var orders = Run(Noise(), seed: 7, decisions: 2_000);

        Assert.Equal(2_000, orders.Count);
        var market = orders.Where(o => o.Kind == ActionKind.Market).ToList();
        var limit = orders.Where(o => o.Kind == ActionKind.Limit).ToList();
        Assert.Equal(orders.Count, market.Count + limit.Count);
        // 30% at market: a binomial(2000, 0.3) lies within ±5 standard deviations (±102) of 600.
        Assert.InRange(market.Count, 498, 702);
        Assert.All(market, o => Assert.Equal(o.Side == Side.Buy ? 10_000 + 200 : 10_000 - 200, o.Price));
        // Limit prices: up to 40 ticks behind the mid, or up to 10 through it.
        Assert.All(limit, o => Assert.InRange(o.Side == Side.Buy ? 10_000 - o.Price : o.Price - 10_000, -10, 40));
        Assert.Contains(limit, o => (o.Side == Side.Buy ? 10_000 - o.Price : o.Price - 10_000) < 0);
        Assert.All(orders, o => Assert.InRange(o.Quantity, 1, 4));
        Assert.Equal([1L, 2, 3, 4], orders.Select(o => o.Quantity).Distinct().Order());
        Assert.InRange(orders.Count(o => o.Side == Side.Buy), 800, 1_200);
    }

    [Fact]
    public void With_max_open_orders_resting_it_cancels_the_oldest_first()
    {
        var slot = new SlotState();
        var oldest = Scripted.Resting(1, Side.Buy, 9_980);
        slot.Open.AddRange([oldest, Scripted.Resting(2, Side.Sell, 10_020)]);

        var actions = Scripted.Decide(Noise(maxOpen: 2), Scripted.Book(9_990, 10_010), slot);

        Assert.Equal(2, actions.Count);
        Assert.Equal(AgentAction.Cancel(0, oldest), actions[0]);
        Assert.NotEqual(ActionKind.Cancel, actions[1].Kind);
    }

    [Fact]
    public void A_misspelt_parameter_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new NoiseStrategy(Scripted.Params("noise", ("ofset", 3))));

        Assert.Equal("noise has no parameter 'ofset' (known: marketPercent, maxOpen, maxSize, offset, protectionBp)", e.Message);
    }

    [Fact]
    public void A_parameter_out_of_range_is_refused_with_its_bounds()
    {
        var e = Assert.Throws<ArgumentException>(() => new NoiseStrategy(Scripted.Params("noise", ("marketPercent", 101))));

        Assert.Equal("noise parameter marketPercent=101: expected an integer in [0, 100]", e.Message);
    }
}

using Raftex.Agents.Strategies;

namespace Raftex.Agents.Tests;

public sealed class MomentumTests
{
    private static MomentumStrategy Momentum(long maxPosition = 10) =>
        new(Scripted.Params("momentum", ("fast", 2), ("slow", 4), ("size", 3), ("maxPosition", maxPosition), ("protectionBp", 100)));

    private static MarketView Trades(params long[] prices) => Scripted.Book(prices[^1] - 1, prices[^1] + 1, prices[^1], prices);

    [Fact]
    public void The_first_sign_only_arms_it_and_a_golden_cross_buys_at_market()
    {
        var strategy = Momentum();
        var slot = new SlotState();

        // Falling: fast average below slow. Armed, no order.
        Assert.Empty(Scripted.Decide(strategy, Trades(1000, 990, 980, 970), slot));
        Assert.Equal(-1, slot.Signal);
        // Still falling: no crossover.
        Assert.Empty(Scripted.Decide(strategy, Trades(990, 980, 970, 960), slot));
        // Rising sharply: the fast average crosses above the slow one.
        var actions = Scripted.Decide(strategy, Trades(970, 960, 1000, 1040), slot);

        Assert.Equal([AgentAction.Market(0, Side.Buy, 1040 + 10, 3)], actions);
        Assert.Equal(1, slot.Signal);
    }

    [Fact]
    public void A_death_cross_sells_at_market_with_a_protection_price_below_the_mid()
    {
        var strategy = Momentum();
        var slot = new SlotState();
        Scripted.Decide(strategy, Trades(900, 950, 1000, 1050), slot);

        var actions = Scripted.Decide(strategy, Trades(1000, 1050, 960, 900), slot);

        Assert.Equal([AgentAction.Market(0, Side.Sell, 900 - 9, 3)], actions);
    }

    [Fact]
    public void A_crossover_that_would_pass_the_position_limit_is_not_traded()
    {
        var strategy = Momentum(maxPosition: 4);
        var slot = new SlotState { Inventory = 2 };
        Scripted.Decide(strategy, Trades(1000, 990, 980, 970), slot);

        Assert.Empty(Scripted.Decide(strategy, Trades(970, 960, 1000, 1040), slot));
        Assert.Equal(1, slot.Signal);
    }

    [Fact]
    public void Fewer_trades_than_the_slow_window_give_no_signal()
    {
        var slot = new SlotState();

        Assert.Empty(Scripted.Decide(Momentum(), Trades(1000, 1100, 1200), slot));
        Assert.Equal(0, slot.Signal);
    }

    [Fact]
    public void Fast_must_be_shorter_than_slow()
    {
        var e = Assert.Throws<ArgumentException>(() => new MomentumStrategy(Scripted.Params("momentum", ("fast", 8), ("slow", 8))));

        Assert.Equal("momentum parameters: fast (8) must be below slow (8)", e.Message);
    }
}

using Raftex.Agents.Strategies;

namespace Raftex.Agents.Tests;

public sealed class ArbitrageTests
{
    private static ArbitrageStrategy Arbitrage(long thresholdBp = 10, long maxPosition = 5) =>
        new(Scripted.Params("arbitrage", ("thresholdBp", thresholdBp), ("size", 2), ("maxPosition", maxPosition)));

    private static List<AgentAction> Decide(ArbitrageStrategy strategy, MarketView first, MarketView second, SlotState[]? slots = null)
    {
        var random = new DeterministicRandom(1);
        return Scripted.Decide(strategy, [first, second], slots ?? [new SlotState(), new SlotState()], ref random);
    }

    [Fact]
    public void When_the_second_bids_above_the_first_asks_past_the_threshold_it_buys_the_first_and_sells_the_second()
    {
        // 10 bp of 10,000 is 10 ticks: 10,011 − 10,000 = 11 ticks is past it.
        var actions = Decide(Arbitrage(), Scripted.Book(9_990, 10_000), Scripted.Book(10_011, 10_030));

        Assert.Equal([AgentAction.LimitIoc(0, Side.Buy, 10_000, 2), AgentAction.LimitIoc(1, Side.Sell, 10_011, 2)], actions);
    }

    [Fact]
    public void The_opposite_divergence_trades_the_opposite_legs()
    {
        var actions = Decide(Arbitrage(), Scripted.Book(10_050, 10_060), Scripted.Book(9_980, 10_000));

        Assert.Equal([AgentAction.LimitIoc(1, Side.Buy, 10_000, 2), AgentAction.LimitIoc(0, Side.Sell, 10_050, 2)], actions);
    }

    [Fact]
    public void A_divergence_at_or_within_the_threshold_is_not_traded()
    {
        Assert.Empty(Decide(Arbitrage(), Scripted.Book(9_990, 10_000), Scripted.Book(10_010, 10_030)));
        Assert.Empty(Decide(Arbitrage(), Scripted.Book(9_990, 10_000), Scripted.Book(9_995, 10_005)));
    }

    [Fact]
    public void A_missing_side_of_either_book_means_no_trade()
    {
        Assert.Empty(Decide(Arbitrage(), Scripted.Book(9_990, 0, last: 9_000), Scripted.Book(10_500, 10_600)));
    }

    [Fact]
    public void Legs_that_would_pass_the_position_limit_are_not_traded()
    {
        var slots = new[] { new SlotState { Inventory = 4 }, new SlotState() };

        Assert.Empty(Decide(Arbitrage(), Scripted.Book(9_990, 10_000), Scripted.Book(10_050, 10_060), slots));
    }
}

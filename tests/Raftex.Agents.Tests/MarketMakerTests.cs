using Raftex.Agents.Strategies;

namespace Raftex.Agents.Tests;

public sealed class MarketMakerTests
{
    private static MarketMakerStrategy Maker(long spread = 20, long skew = 2, long maxInventory = 5, long requote = 3, long size = 2) =>
        new(Scripted.Params("market-maker", ("spread", spread), ("skew", skew), ("maxInventory", maxInventory), ("requote", requote), ("size", size)));

    [Fact]
    public void Quotes_both_sides_around_the_mid_with_the_spread()
    {
        var actions = Scripted.Decide(Maker(), Scripted.Book(990, 1010), new SlotState());

        Assert.Equal([AgentAction.Limit(0, Side.Buy, 990, 2), AgentAction.Limit(0, Side.Sell, 1010, 2)], actions);
    }

    [Fact]
    public void Quotes_around_the_last_trade_when_the_book_is_one_sided()
    {
        var actions = Scripted.Decide(Maker(), Scripted.Book(0, 1200, last: 1100), new SlotState());

        Assert.Equal([AgentAction.Limit(0, Side.Buy, 1090, 2), AgentAction.Limit(0, Side.Sell, 1110, 2)], actions);
    }

    [Fact]
    public void A_long_inventory_skews_both_quotes_down_and_a_short_one_up()
    {
        var longSlot = new SlotState { Inventory = 3 };
        var shortSlot = new SlotState { Inventory = -3 };

        Assert.Equal([984, 1004], Scripted.Decide(Maker(), Scripted.Book(990, 1010), longSlot).Select(a => a.Price));
        Assert.Equal([996, 1016], Scripted.Decide(Maker(), Scripted.Book(990, 1010), shortSlot).Select(a => a.Price));
    }

    [Fact]
    public void At_the_inventory_limit_the_side_that_adds_to_it_is_pulled()
    {
        var slot = new SlotState { Inventory = 5 };
        var bid = Scripted.Resting(7, Side.Buy, 980);
        slot.Open.Add(bid);

        var actions = Scripted.Decide(Maker(skew: 0), Scripted.Book(990, 1010), slot);

        Assert.Equal([AgentAction.Cancel(0, bid), AgentAction.Limit(0, Side.Sell, 1010, 2)], actions);
    }

    [Fact]
    public void A_quote_that_drifted_by_requote_ticks_is_moved_with_cancel_replace()
    {
        var slot = new SlotState();
        var bid = Scripted.Resting(1, Side.Buy, 990);
        var ask = Scripted.Resting(2, Side.Sell, 1010);
        slot.Open.AddRange([bid, ask]);

        // The mid moved up 3 ticks: both quotes drifted by exactly the requote threshold.
        var actions = Scripted.Decide(Maker(), Scripted.Book(993, 1013), slot);

        Assert.Equal([AgentAction.Replace(0, bid, 993, 2), AgentAction.Replace(0, ask, 1013, 2)], actions);
        Assert.All(actions, a => Assert.Equal(ActionKind.Replace, a.Kind));
    }

    [Fact]
    public void A_quote_within_requote_ticks_of_its_target_is_left_alone()
    {
        var slot = new SlotState();
        slot.Open.AddRange([Scripted.Resting(1, Side.Buy, 990), Scripted.Resting(2, Side.Sell, 1010)]);

        Assert.Empty(Scripted.Decide(Maker(), Scripted.Book(992, 1012), slot));
    }

    [Fact]
    public void Without_any_price_it_does_not_quote()
    {
        Assert.Empty(Scripted.Decide(Maker(), MarketView.Empty, new SlotState()));
    }
}

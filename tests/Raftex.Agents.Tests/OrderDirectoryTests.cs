using Microsoft.Extensions.Time.Testing;
using Raftex.Agents.Strategies;

namespace Raftex.Agents.Tests;

public sealed class OrderDirectoryTests
{
    private static readonly FakeTimeProvider Time = new();

    private static (OrderDirectory Directory, Agent Agent, FleetStats Stats) Setup()
    {
        using var meter = new System.Diagnostics.Metrics.Meter("test-" + Guid.NewGuid());
        var strategy = new NoiseStrategy(Scripted.Params("noise"));
        var agent = new Agent(0, 100, 0, strategy, [0], seed: 1, idStamp: 1);
        return (new OrderDirectory(Time, TimeSpan.FromSeconds(30)), agent, new FleetStats(meter, ["noise"]));
    }

    [Fact]
    public void A_maker_fill_that_arrives_before_its_order_registers_is_booked_when_it_does()
    {
        var (directory, agent, stats) = Setup();
        agent.Slots[0].Open.Add(new OpenOrder(55, 1, Side.Sell, 1_000, 5, 5, AsOfIndex: 10));

        directory.MakerFill(55, 1_000, 2, logIndex: 12, stats);
        Assert.Equal(0, agent.Slots[0].Inventory);
        Assert.Equal(1, directory.PendingCount);

        directory.Register(55, agent, 0, Side.Sell, stats);

        Assert.Equal(-2, agent.Slots[0].Inventory);
        Assert.Equal(2_000, agent.Cash[0]);
        Assert.Equal(3, agent.Slots[0].Open[0].Remaining);
        Assert.Equal(1, stats.MakerFills(0));
        Assert.Equal(0, directory.PendingCount);
    }

    [Fact]
    public void A_fill_already_counted_by_the_orders_report_moves_the_position_but_not_the_remaining_size()
    {
        var (directory, agent, stats) = Setup();
        agent.Slots[0].Open.Add(new OpenOrder(56, 1, Side.Buy, 900, 5, 4, AsOfIndex: 20));
        directory.Register(56, agent, 0, Side.Buy, stats);

        directory.MakerFill(56, 900, 1, logIndex: 19, stats);

        Assert.Equal(1, agent.Slots[0].Inventory);
        Assert.Equal(4, agent.Slots[0].Open[0].Remaining);
    }

    [Fact]
    public void An_order_filled_in_full_leaves_the_strategys_view_but_late_fills_still_reach_the_agent_until_the_grace_ends()
    {
        var (directory, agent, stats) = Setup();
        agent.Slots[0].Open.Add(new OpenOrder(57, 1, Side.Buy, 900, 2, 2, AsOfIndex: 5));
        directory.Register(57, agent, 0, Side.Buy, stats);

        directory.MakerFill(57, 900, 2, logIndex: 6, stats);
        Assert.Empty(agent.Slots[0].Open);
        directory.Retire(57);
        directory.MakerFill(57, 900, 1, logIndex: 7, stats);
        Assert.Equal(3, agent.Slots[0].Inventory);

        Time.Advance(TimeSpan.FromSeconds(31));
        directory.Prune();
        Assert.Equal(0, directory.Count);
        directory.MakerFill(57, 900, 1, logIndex: 8, stats);
        Assert.Equal(3, agent.Slots[0].Inventory);

        // A fill no agent claims within the grace is dropped, so memory stays bounded.
        Time.Advance(TimeSpan.FromSeconds(31));
        directory.Prune();
        Assert.Equal(0, directory.PendingCount);
    }
}

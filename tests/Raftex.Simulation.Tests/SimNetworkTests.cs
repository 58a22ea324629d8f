namespace Raftex.Simulation.Tests;

/// <summary>The simulated network's links and partitions.</summary>
public sealed class SimNetworkTests
{
    [Fact]
    public void A_blocked_link_drops_only_its_own_direction()
    {
        var network = new SimNetwork(new Random(1));
        Span<long> delays = stackalloc long[2];

        network.Block(1, 2);

        Assert.Equal(0, network.Route(1, 2, delays));
        Assert.Equal(1, network.Route(2, 1, delays));
        Assert.True(network.IsBlocked(1, 2));
        Assert.False(network.IsBlocked(2, 1));
    }

    [Fact]
    public void Healing_reopens_every_link()
    {
        var network = new SimNetwork(new Random(1));
        Span<long> delays = stackalloc long[2];
        network.Block(1, 2);
        network.Block(2, 1);

        network.HealPartitions();

        Assert.Equal(1, network.Route(1, 2, delays));
        Assert.False(network.Partitioned);
    }

    [Fact]
    public void A_lossy_duplicating_link_loses_and_duplicates_about_as_configured()
    {
        var network = new SimNetwork(new Random(7));
        network.SetProfile(1, 2, new LinkProfile(100, 50, DropRate: 0.25, DuplicateRate: 0.5, ReorderRate: 0));
        Span<long> delays = stackalloc long[2];
        var delivered = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var copies = network.Route(1, 2, delays);
            delivered += copies;
            for (var c = 0; c < copies; c++)
            {
                Assert.InRange(delays[c], 100, 150);
            }
        }

        // 75% survive, and half of those arrive twice: about 11,250 deliveries.
        Assert.InRange(delivered, 10_800, 11_700);
        Assert.InRange(network.Dropped, 2_300, 2_700);
    }

    [Fact]
    public void Jitter_reorders_messages_sent_back_to_back()
    {
        var network = new SimNetwork(new Random(3));
        network.SetProfile(1, 2, new LinkProfile(100, 1_000, 0, 0, ReorderRate: 0.2));
        Span<long> delays = stackalloc long[2];
        var previous = -1L;
        var overtaken = 0;
        for (var i = 0; i < 1_000; i++)
        {
            network.Route(1, 2, delays);
            if (delays[0] < previous)
            {
                overtaken++;
            }

            previous = delays[0];
        }

        Assert.True(overtaken > 100, $"only {overtaken} reorderings");
    }
}

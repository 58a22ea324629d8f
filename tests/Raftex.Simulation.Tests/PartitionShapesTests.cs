namespace Raftex.Simulation.Tests;

/// <summary>The partition shapes cut what they claim to.</summary>
public sealed class PartitionShapesTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void In_a_majorities_ring_every_node_reaches_a_majority_and_no_two_the_same_one(int nodes)
    {
        var ring = Enumerable.Range(1, nodes).Select(i => (long)(i * 10)).Reverse().ToList();
        var blocked = PartitionShapes.MajoritiesRing(ring).ToHashSet();

        var reached = ring.Select(from => ring.Where(to => to == from || !blocked.Contains((from, to))).Order().ToList()).ToList();

        var majority = nodes / 2 + 1;
        Assert.All(reached, set => Assert.True(set.Count >= majority && set.Count < nodes, $"reaches {set.Count} of {nodes}"));
        Assert.Equal(nodes, reached.Select(set => string.Join(',', set)).Distinct().Count());

        // Links are cut symmetrically: a node that cannot hear another cannot be heard by it either.
        Assert.All(blocked, link => Assert.Contains((link.To, link.From), blocked));
    }

    [Fact]
    public void A_ring_of_three_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PartitionShapes.MajoritiesRing([1, 2, 3]));
    }

    [Fact]
    public void A_split_cuts_every_link_across_and_none_within()
    {
        var blocked = PartitionShapes.Split([1, 2], [3, 4, 5]).ToHashSet();

        Assert.Equal(12, blocked.Count);
        Assert.Contains((1L, 5L), blocked);
        Assert.Contains((5L, 1L), blocked);
        Assert.DoesNotContain((1L, 2L), blocked);
        Assert.DoesNotContain((3L, 4L), blocked);
    }
}

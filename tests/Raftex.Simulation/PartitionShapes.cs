namespace Raftex.Simulation;

/// <summary>The partition shapes the fault schedule cuts, as the directed links they block.</summary>
public static class PartitionShapes
{
    /// <summary>Every link between the two sides, both directions.</summary>
    public static List<(long From, long To)> Split(IReadOnlyList<long> a, IReadOnlyList<long> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var blocked = new List<(long, long)>();
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                blocked.Add((x, y));
                blocked.Add((y, x));
            }
        }

        return blocked;
    }

    /// <summary>
    /// Nodes on a ring (in the given order), each linked only to its nearest neighbours on either side, as many as
    /// make it reach a majority counting itself: everyone reaches a majority, and no two reach the same one.
    /// Needs at least four nodes (with three, everyone would reach everyone).
    /// </summary>
    public static List<(long From, long To)> MajoritiesRing(IReadOnlyList<long> ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var n = ring.Count;
        if (n < 4)
        {
            throw new ArgumentException($"a majorities ring needs at least 4 nodes, got {n}", nameof(ring));
        }

        var reach = RingReach(n);
        var blocked = new List<(long, long)>();
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var distance = Math.Min(Math.Abs(i - j), n - Math.Abs(i - j));
                if (distance > reach)
                {
                    blocked.Add((ring[i], ring[j]));
                }
            }
        }

        return blocked;
    }

    /// <summary>Neighbours reached on each side: the fewest that, with the node itself, make a majority.</summary>
    public static int RingReach(int nodes) => (nodes / 2 + 1) / 2;
}

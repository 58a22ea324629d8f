namespace Raftex.Simulation;

/// <summary>Derives independent, reproducible random streams (one per component) from a single simulation seed.</summary>
/// <remarks>
/// Each component (network, disk, faults, clients, each node's Raft) gets its own System.Random so that adding a
/// draw in one component does not shift every other component's sequence, which keeps shrinking meaningful.
/// </remarks>
public static class SeedStreams
{
    /// <summary>Named component streams.</summary>
    public const int Network = 1, Disk = 2, Faults = 3, Clients = 4, Clocks = 5, Cluster = 6, Operations = 7, RaftBase = 1000;

    /// <summary>A System.Random for the given component of the given seed.</summary>
    public static Random For(long seed, long component) => new(DeriveSeed(seed, component));

    /// <summary>The 31-bit seed for a component, mixed with SplitMix64 so that nearby seeds give unrelated streams.</summary>
    public static int DeriveSeed(long seed, long component)
    {
        var z = Mix((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)component * 0xD1B54A32D192ED03UL);
        return (int)(z & 0x7FFF_FFFF);
    }

    /// <summary>SplitMix64's finaliser: a cheap, well-distributed 64-bit mix (process-independent, unlike HashCode).</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Folds a value into a running 64-bit hash.</summary>
    public static ulong Combine(ulong hash, long value) => Mix(hash ^ (ulong)value) + 0x632BE59BD9B4E019UL;

    /// <summary>A 64-bit hash of a byte string (FNV-1a then mixed), stable across processes.</summary>
    public static ulong HashBytes(ReadOnlySpan<byte> bytes)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var b in bytes)
        {
            h = (h ^ b) * 0x100000001B3UL;
        }

        return Mix(h);
    }
}

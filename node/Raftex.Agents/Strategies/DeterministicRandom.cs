namespace Raftex.Agents.Strategies;

/// <summary>SplitMix64: a tiny seeded generator whose sequence depends on the seed alone (System.Random's may change between runtimes).</summary>
public struct DeterministicRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for agent <paramref name="index"/> of a run seeded with <paramref name="seed"/>: independent streams per agent.</summary>
    public static DeterministicRandom ForAgent(long seed, long index)
    {
        var r = new DeterministicRandom(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)index));
        r.NextUInt64();
        return r;
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>] (both inclusive).</summary>
    public long Between(long min, long max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        var span = (ulong)(max - min) + 1;
        return min + (long)(NextUInt64() % span);
    }

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Chance(int percent) => (long)(NextUInt64() % 100) < percent;

    /// <summary>Buy or sell with equal odds.</summary>
    public Side NextSide() => (NextUInt64() & 1) == 0 ? Side.Buy : Side.Sell;

    /// <summary>A fraction in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}

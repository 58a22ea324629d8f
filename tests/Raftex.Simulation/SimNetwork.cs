namespace Raftex.Simulation;

/// <summary>
/// The simulated network between nodes: per-link latency, loss, duplication and reordering, plus partitions
/// (blocked directed links). A message is checked against partitions both when sent and when it would arrive,
/// so a partition also cuts what is already in flight.
/// </summary>
public sealed class SimNetwork(Random random)
{
    private readonly Dictionary<(long From, long To), LinkProfile> _profiles = [];
    private readonly HashSet<(long From, long To)> _blocked = [];

    /// <summary>The profile of every link without its own.</summary>
    public LinkProfile Default { get; set; } = LinkProfile.Healthy;

    public long Sent { get; private set; }

    public long Dropped { get; private set; }

    public long Duplicated { get; private set; }

    /// <summary>True when any link is cut.</summary>
    public bool Partitioned => _blocked.Count > 0;

    public void Block(long from, long to) => _blocked.Add((from, to));

    public bool IsBlocked(long from, long to) => _blocked.Contains((from, to));

    /// <summary>Removes every partition.</summary>
    public void HealPartitions() => _blocked.Clear();

    public void SetProfile(long from, long to, LinkProfile profile) => _profiles[(from, to)] = profile;

    /// <summary>Every link goes back to the default profile.</summary>
    public void ResetProfiles() => _profiles.Clear();

    /// <summary>
    /// Decides the fate of one message: fills <paramref name="delays"/> with the latency of each copy that will be
    /// delivered and returns how many (0 when lost or cut, 2 when duplicated).
    /// </summary>
    public int Route(long from, long to, Span<long> delays)
    {
        Sent++;
        if (_blocked.Contains((from, to)))
        {
            Dropped++;
            return 0;
        }

        var profile = _profiles.TryGetValue((from, to), out var p) ? p : Default;
        if (profile.DropRate > 0 && random.NextDouble() < profile.DropRate)
        {
            Dropped++;
            return 0;
        }

        delays[0] = Latency(profile);
        if (profile.DuplicateRate > 0 && random.NextDouble() < profile.DuplicateRate)
        {
            Duplicated++;
            delays[1] = Latency(profile);
            return 2;
        }

        return 1;
    }

    private long Latency(LinkProfile profile)
    {
        var delay = profile.BaseDelayUs + (profile.JitterUs > 0 ? random.NextInt64(profile.JitterUs + 1) : 0);
        if (profile.ReorderRate > 0 && random.NextDouble() < profile.ReorderRate)
        {
            delay += random.NextInt64(10 * Math.Max(profile.JitterUs, 100) + 1);
        }

        return delay;
    }
}

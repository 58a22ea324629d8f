namespace Raftex.Simulation;

/// <summary>Generates the fault schedule of a seed: which faults, when, for how long.</summary>
public static class FaultPlan
{
    /// <summary>The fault kinds each mix draws from.</summary>
    public static IReadOnlyList<FaultKind> KindsOf(FaultMix mix) => mix switch
    {
        FaultMix.Calm => [FaultKind.TransferLeadership],
        FaultMix.Network => [FaultKind.FlakyLinks, FaultKind.FlakyLinks, FaultKind.OneWayLink, FaultKind.PartitionHalves, FaultKind.SnapshotRace],
        FaultMix.Partitions => [FaultKind.PartitionHalves, FaultKind.IsolateLeader, FaultKind.MajoritiesRing, FaultKind.OneWayLink, FaultKind.TransferLeadership, FaultKind.RejoinAfterIsolation, FaultKind.ReadAcrossLeaderChange],
        FaultMix.Crashes => [FaultKind.Crash, FaultKind.Crash, FaultKind.ClockDrift, FaultKind.FlakyLinks, FaultKind.IsolateLeader, FaultKind.Figure8],
        FaultMix.Membership => [FaultKind.AddLearner, FaultKind.PromoteLearner, FaultKind.PromoteLearner, FaultKind.RemoveVoter, FaultKind.TransferLeadership, FaultKind.IsolateLeader, FaultKind.Crash, FaultKind.RemoveLeader, FaultKind.LeaderChangeMidMembership],
        FaultMix.Adversarial => Scripted,
        _ => Enum.GetValues<FaultKind>(),
    };

    /// <summary>The scripted schedules (each runs alone: other faults wait until it is over).</summary>
    public static IReadOnlyList<FaultKind> Scripted { get; } =
    [
        FaultKind.Figure8, FaultKind.LeaderChangeMidMembership, FaultKind.RemoveLeader,
        FaultKind.RejoinAfterIsolation, FaultKind.SnapshotRace, FaultKind.ReadAcrossLeaderChange,
    ];

    /// <summary>
    /// A plan of one scripted schedule alone, started once the cluster has had time to elect (what <c>--script</c> runs):
    /// its choices come from the seed, and even seeds take the harsher variant (crash rather than cut off, clients paused).
    /// </summary>
    public static IReadOnlyList<FaultEvent> Script(FaultKind kind, long seed) =>
        IsScripted(kind)
            ? [new FaultEvent(0, 250_000, kind, 100_000, SeedStreams.DeriveSeed(seed, SeedStreams.Faults), seed % 2 == 0 ? 0.3 : 0.7)]
            : throw new ArgumentException($"{kind} is not a scripted schedule; those are {string.Join(", ", Scripted)}", nameof(kind));

    /// <summary>Whether a kind is a scripted schedule rather than a single fault.</summary>
    public static bool IsScripted(FaultKind kind) => kind >= FaultKind.Figure8;

    /// <summary>
    /// Draws faults over the chaos window: on average one every <paramref name="meanGapUs"/>, each lasting a
    /// fraction of the window. Deterministic in the seed.
    /// </summary>
    public static IReadOnlyList<FaultEvent> Generate(long seed, FaultMix mix, long chaosUs, long meanGapUs)
    {
        var random = SeedStreams.For(seed, SeedStreams.Faults);
        var kinds = KindsOf(mix);
        var faults = new List<FaultEvent>();
        var at = meanGapUs / 2 + random.NextInt64(meanGapUs);
        while (at < chaosUs)
        {
            var kind = kinds[random.Next(kinds.Count)];
            var duration = 20_000 + random.NextInt64(Math.Max(1, chaosUs / 4));
            faults.Add(new FaultEvent(faults.Count, at, kind, duration, random.Next(), random.NextDouble()));
            at += 1 + random.NextInt64(2 * meanGapUs);
        }

        return faults;
    }
}

using System.Globalization;
using Raftex.Protocol.V1;

namespace Raftex.Chaos;

/// <summary>Observation, the correctness probe and the verdict.</summary>
public sealed partial class ChaosEngine
{
    private static async Task<IReadOnlyDictionary<long, NodeStatus>> StatusesAsync(IReadOnlyList<ChaosMember> members, CancellationToken ct)
    {
        var calls = members.Select(async m => (m.NodeId, Result: await m.Admin.GetStatusAsync(ct).ConfigureAwait(false))).ToList();
        var statuses = new Dictionary<long, NodeStatus>();
        foreach (var (id, result) in await Task.WhenAll(calls).ConfigureAwait(false))
        {
            if (result.Value is { } status && (long)status.NodeId == id)
            {
                statuses[id] = status;
            }
        }

        return statuses;
    }

    private static async Task<long> CommitIndexAsync(IReadOnlyList<ChaosMember> members, CancellationToken ct) =>
        (await StatusesAsync(members, ct).ConfigureAwait(false)).Values.Select(v => (long)v.CommitIndex).DefaultIfEmpty(0).Max();

    private static LeaderRecord? LeaderRecordOf(IReadOnlyList<ChaosMember> members, IReadOnlyDictionary<long, NodeStatus> statuses)
    {
        var id = TargetSelection.LeaderOf(statuses);
        return id == 0 ? null : new LeaderRecord { NodeId = id, Pod = members.First(m => m.NodeId == id).Pod, Term = (long)statuses[id].Term };
    }

    private static ChaosExperimentStatus TrackLeader(ChaosExperimentStatus s, IReadOnlyList<ChaosMember> members, IReadOnlyDictionary<long, NodeStatus> statuses, List<ChaosEvent> events)
    {
        var leader = LeaderRecordOf(members, statuses);
        if (leader is null || (s.LastLeader is { } last && last.NodeId == leader.NodeId && last.Term == leader.Term))
        {
            return s;
        }

        events.Add(new ChaosEvent("LeaderChanged", $"leader is {leader.Pod} (node {leader.NodeId.ToString(CultureInfo.InvariantCulture)}) in term {leader.Term.ToString(CultureInfo.InvariantCulture)}"));
        return s with { LastLeader = leader, LeaderChanges = (s.LeaderChanges ?? 0) + (s.LastLeader?.NodeId == leader.NodeId ? 0 : 1) };
    }

    private static string Describe(ChaosSettings settings, IReadOnlyList<ChaosMember> targets) =>
        settings.Groups.Count > 0
            ? string.Join(" | ", settings.Groups.Select(g => string.Join(",", g)))
            : string.Join(",", targets.Select(t => t.Pod));

    // One batch of numbered deposits; each outcome is recorded in the returned status before the next step.
    private async Task<(ProbeStatus? Status, double? Unavailability)> ProbeAsync(ChaosSettings settings, ProbeStatus? probe, ChaosExperimentStatus s, DateTime now, CancellationToken ct)
    {
        if (!settings.Probe || probe is null)
        {
            return (probe, s.UnavailabilitySeconds);
        }

        var gap = s.UnavailabilitySeconds ?? 0;
        var p = probe;
        for (var i = 0; i < _options.ProbeBatch; i++)
        {
            var n = p.Next;
            var outcome = await cluster.Probe.DepositAsync(settings.ProbeAccount, settings.ProbeAsset, (ulong)(p.TransactionBase + n), n, ct).ConfigureAwait(false);
            var at = _time.GetUtcNow().UtcDateTime;
            p = outcome switch
            {
                ProbeOutcome.Acknowledged => p with { Next = n + 1, Acknowledged = p.Acknowledged + 1, AcknowledgedSum = p.AcknowledgedSum + n, LastAcknowledgedAt = at },
                ProbeOutcome.Failed => p with { Next = n + 1, Failed = p.Failed + 1 },
                _ => p with { Next = n + 1, Unknown = [.. p.Unknown, n] },
            };
            if (outcome == ProbeOutcome.Acknowledged)
            {
                gap = Math.Max(gap, (at - (probe.LastAcknowledgedAt ?? s.StartedAt ?? at)).TotalSeconds);
                probe = p;
            }
        }

        return (p, Math.Round(gap, 3));
    }

    private async Task<ChaosStep> JudgeAsync(ChaosSettings settings, ChaosExperimentStatus s, IReadOnlyList<ChaosMember> members, DateTime now, List<ChaosEvent> events, CancellationToken ct)
    {
        var statuses = await StatusesAsync(members, ct).ConfigureAwait(false);
        var hashes = CompareCheckpoints(members, statuses);
        if (hashes.Error is not null)
        {
            return Complete(settings, s, ChaosVerdict.Fail, hashes.Error, members, statuses, now, events);
        }

        var summary = $"recovered in {s.RecoverySeconds?.ToString("0.000", CultureInfo.InvariantCulture)}s; state hashes agree at {hashes.Shared.ToString(CultureInfo.InvariantCulture)} shared checkpoint(s)";
        if (!settings.Probe || s.Probe is not { } probe)
        {
            return Complete(settings, s, ChaosVerdict.Pass, summary, members, statuses, now, events);
        }

        // Unknown outcomes are settled by sending the same ids again: applied ones answer as duplicates.
        var stillUnknown = new List<long>();
        foreach (var n in probe.Unknown)
        {
            var outcome = await cluster.Probe.DepositAsync(settings.ProbeAccount, settings.ProbeAsset, (ulong)(probe.TransactionBase + n), n, ct).ConfigureAwait(false);
            probe = outcome switch
            {
                ProbeOutcome.Acknowledged => probe with { Acknowledged = probe.Acknowledged + 1, AcknowledgedSum = probe.AcknowledgedSum + n, Resubmitted = probe.Resubmitted + 1 },
                ProbeOutcome.Failed => probe with { Failed = probe.Failed + 1, Resubmitted = probe.Resubmitted + 1 },
                _ => probe,
            };
            if (outcome == ProbeOutcome.Unknown)
            {
                stillUnknown.Add(n);
            }
        }

        probe = probe with { Unknown = stillUnknown };
        var balance = await cluster.Probe.BalanceAsync(settings.ProbeAccount, settings.ProbeAsset, ct).ConfigureAwait(false);
        probe = probe with { Balance = balance };
        var s2 = s with { Probe = probe };
        var expected = probe.Baseline + probe.AcknowledgedSum;
        var counts = $"{probe.Acknowledged.ToString(CultureInfo.InvariantCulture)} acknowledged, {probe.Failed.ToString(CultureInfo.InvariantCulture)} failed, {probe.Resubmitted.ToString(CultureInfo.InvariantCulture)} resubmitted";
        if (stillUnknown.Count > 0)
        {
            return Complete(settings, s2, ChaosVerdict.Fail, $"{stillUnknown.Count.ToString(CultureInfo.InvariantCulture)} probe deposit(s) still unknown after resubmission (the cluster stopped answering)", members, statuses, now, events);
        }

        if (balance is null)
        {
            return Complete(settings, s2, ChaosVerdict.Fail, "the probe balance could not be read after recovery", members, statuses, now, events);
        }

        if (balance != expected)
        {
            var what = balance < expected ? "acknowledged deposits were lost" : "deposits were applied twice (or a refused one was applied)";
            return Complete(settings, s2, ChaosVerdict.Fail,
                $"probe balance {balance.Value.ToString(CultureInfo.InvariantCulture)}, expected {expected.ToString(CultureInfo.InvariantCulture)} (baseline {probe.Baseline.ToString(CultureInfo.InvariantCulture)} + acknowledged {probe.AcknowledgedSum.ToString(CultureInfo.InvariantCulture)}): {what}; {counts}",
                members, statuses, now, events);
        }

        return Complete(settings, s2, ChaosVerdict.Pass, $"{summary}; probe balance exact ({counts})", members, statuses, now, events);
    }

    /// <summary>Every pair of members must hold the same state hash at every checkpoint index they both recorded.</summary>
    internal static (int Shared, string? Error) CompareCheckpoints(IReadOnlyList<ChaosMember> members, IReadOnlyDictionary<long, NodeStatus> statuses)
    {
        var seen = new Dictionary<ulong, (long NodeId, ulong Hash)>();
        var shared = new HashSet<ulong>();
        foreach (var (id, status) in statuses.OrderBy(p => p.Key))
        {
            foreach (var c in status.Checkpoints)
            {
                if (!seen.TryGetValue(c.Index, out var first))
                {
                    seen[c.Index] = (id, c.StateHash);
                    continue;
                }

                shared.Add(c.Index);
                if (first.Hash != c.StateHash)
                {
                    string Pod(long n) => members.FirstOrDefault(m => m.NodeId == n)?.Pod ?? $"node {n}";
                    return (shared.Count, $"replicas diverged: state hash at index {c.Index.ToString(CultureInfo.InvariantCulture)} is {first.Hash:x16} on {Pod(first.NodeId)} but {c.StateHash:x16} on {Pod(id)}");
                }
            }
        }

        return (shared.Count, null);
    }

    private ChaosStep Complete(ChaosSettings settings, ChaosExperimentStatus s, ChaosVerdict verdict, string reason, IReadOnlyList<ChaosMember> members, IReadOnlyDictionary<long, NodeStatus> statuses, DateTime now, List<ChaosEvent> events)
    {
        events.Add(new ChaosEvent(verdict == ChaosVerdict.Pass ? "Passed" : "Failed", reason, verdict != ChaosVerdict.Pass));
        return Finish(settings, s with
        {
            Phase = ChaosPhase.Completed,
            Verdict = verdict,
            Reason = reason,
            CompletedAt = now,
            LeaderAfter = LeaderRecordOf(members, statuses),
        }, now, events);
    }
}

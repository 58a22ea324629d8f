using System.Globalization;
using Raftex.Protocol.V1;

namespace Raftex.Chaos;

/// <summary>
/// The experiment state machine, shared by the operator and raftex-chaos. Each <see cref="StepAsync"/> reads the
/// progress from the status it is given and returns the next status; nothing lives in memory between steps, so an
/// operator restarted mid-run resumes (or heals) from its last written status. Steps that talk to nodes are
/// idempotent: a fault set twice is the same bounded fault, a probe deposit resent keeps its transaction id.
/// </summary>
public sealed partial class ChaosEngine(IChaosCluster cluster, TimeProvider? time = null, Random? random = null, ChaosEngineOptions? options = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Random _random = random ?? new Random();
    private readonly ChaosEngineOptions _options = options ?? new ChaosEngineOptions();

    // How far the missed runs of a schedule are counted (CronJob's controller gives up counting at 100 too).
    private const int MaxMissedRunsCounted = 100;

    /// <summary>Advances the run by one step.</summary>
    public async Task<ChaosStep> StepAsync(ChaosExperimentSpec spec, ChaosExperimentStatus? status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var now = _time.GetUtcNow().UtcDateTime;
        var s = status ?? new ChaosExperimentStatus();
        var (settings, errors) = ChaosSettings.From(spec);
        if (settings is null)
        {
            if (ChaosConditions.IsActive(s))
            {
                // The spec became invalid mid-run: heal what is in place before giving up.
                await HealAsync(s, cancellationToken).ConfigureAwait(false);
            }

            var reason = "invalid spec: " + string.Join("; ", errors);
            return Step(s with
            {
                Phase = ChaosPhase.Failed,
                Reason = reason,
                Conditions = ChaosConditions.Set(s.Conditions, ChaosConditions.Selected, false, "InvalidSpec", reason, now),
            }, TimeSpan.Zero, new ChaosEvent("InvalidSpec", reason, true));
        }

        return s.Phase switch
        {
            null or ChaosPhase.Pending => await StartAsync(settings, s, now, cancellationToken).ConfigureAwait(false),
            ChaosPhase.Injecting => await InjectAsync(settings, s, now, cancellationToken).ConfigureAwait(false),
            ChaosPhase.Injected => await HoldAsync(settings, s, now, cancellationToken).ConfigureAwait(false),
            ChaosPhase.Recovering => await RecoverAsync(settings, s, now, cancellationToken).ConfigureAwait(false),
            // A scheduled experiment shows its last result until the next run is due, then starts it.
            _ when settings.Schedule is not null => await StartAsync(settings, s, now, cancellationToken).ConfigureAwait(false),
            // Without a schedule (or after it was removed) the result is final.
            _ => Step(s with { NextRunAt = null }, TimeSpan.Zero),
        };
    }

    /// <summary>Whether the run is over for good: a verdict or a failure with no scheduled run to come.</summary>
    public static bool IsFinished(ChaosExperimentStatus? status) => status?.Phase is ChaosPhase.Failed or ChaosPhase.Completed && status.NextRunAt is null;

    /// <summary>
    /// Whether a scheduled experiment is only waiting for its next run (no run in progress, the next one not due at
    /// <paramref name="now"/>); such a step touches no node, so it needs no claim on the cluster.
    /// </summary>
    public static bool WaitsForSchedule(ChaosExperimentSpec spec, ChaosExperimentStatus? status, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Schedule is not null && !ChaosConditions.IsActive(status) && (status?.NextRunAt is not { } next || now < next);
    }

    /// <summary>Clears the faults of every injected target (the finalizer's and an aborted run's clean-up); returns what could not be healed.</summary>
    public async Task<IReadOnlyList<string>> HealAsync(ChaosExperimentStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var members = await cluster.MembersAsync(cancellationToken).ConfigureAwait(false);
        var failures = new List<string>();
        foreach (var target in status.Targets ?? [])
        {
            if (target.InjectedAt is null)
            {
                continue;
            }

            if (members.FirstOrDefault(m => m.NodeId == target.NodeId) is not { } member)
            {
                // Not reachable now; its faults end by themselves when their duration does.
                failures.Add($"{target.Pod}: not found (its faults expire by themselves)");
                continue;
            }

            var result = await member.Admin.ClearFaultsAsync(cancellationToken).ConfigureAwait(false);
            if (!result.IsOk)
            {
                failures.Add($"{target.Pod}: {result.Outcome}: {result.Detail} (its faults expire by themselves)");
            }
        }

        return failures;
    }

    private async Task<ChaosStep> StartAsync(ChaosSettings settings, ChaosExperimentStatus s, DateTime now, CancellationToken ct)
    {
        var catchUp = new List<ChaosEvent>();
        if (settings.Schedule is { } schedule)
        {
            if (s.NextRunAt is not { } due || now < due)
            {
                var next = s.NextRunAt ?? schedule.Next(now);
                var waiting = s.Phase is ChaosPhase.Completed or ChaosPhase.Failed ? s with { NextRunAt = next } : s with { Phase = ChaosPhase.Pending, NextRunAt = next };
                return Step(waiting, Min(next - now, _options.IdlePoll), s.NextRunAt is null ? [new ChaosEvent("Scheduled", $"next run at {next:O}")] : []);
            }

            // Like a CronJob without a starting deadline: the due run starts late, once, and the runs missed after it are skipped.
            var missed = schedule.CountBetween(due, now, MaxMissedRunsCounted);
            if (missed > 0)
            {
                var count = missed >= MaxMissedRunsCounted ? $"{MaxMissedRunsCounted.ToString(CultureInfo.InvariantCulture)} or more" : missed.ToString(CultureInfo.InvariantCulture);
                catchUp.Add(new ChaosEvent("MissedRuns", $"the run due at {due:O} starts late; {count} later run(s), missed while the operator was away, are skipped", true));
            }
        }

        var members = await cluster.MembersAsync(ct).ConfigureAwait(false);
        var statuses = await StatusesAsync(members, ct).ConfigureAwait(false);
        var (targets, error) = TargetSelection.Select(settings, members, statuses, _random);
        if (error is not null)
        {
            var why = "no targets: " + error;
            return Finish(settings, s with
            {
                Phase = ChaosPhase.Failed,
                StartedAt = now,
                Target = null,
                Verdict = null,
                Reason = why,
                Conditions = ChaosConditions.Set(s.Conditions, ChaosConditions.Selected, false, "NoTargets", why, now),
            }, now, [.. catchUp, new ChaosEvent("NoTargets", why, true)]);
        }

        ProbeStatus? probe = null;
        if (settings.Probe)
        {
            var baseline = await cluster.Probe.BalanceAsync(settings.ProbeAccount, settings.ProbeAsset, ct).ConfigureAwait(false);
            if (baseline is null)
            {
                var why = $"the probe account {settings.ProbeAccount} could not be read before the run: the cluster is not serving";
                return Finish(settings, s with { Phase = ChaosPhase.Failed, StartedAt = now, Target = null, Verdict = null, Reason = why }, now, [.. catchUp, new ChaosEvent("ProbeUnavailable", why, true)]);
            }

            // 2^20 deposits per millisecond between two runs' starts: runs never share an id, even with the same seed
            // (a seeded selection random would give every run of a schedule, or every `raftex-chaos --seed 42`, the same base).
            probe = new ProbeStatus { TransactionBase = (long)(now - DateTime.UnixEpoch).TotalMilliseconds << 20, Baseline = baseline.Value };
        }

        var leader = LeaderRecordOf(members, statuses);
        var target = Describe(settings, targets);
        var started = s with
        {
            Phase = ChaosPhase.Injecting,
            Target = target,
            Targets = targets.Select(t => new TargetRecord { Pod = t.Pod, NodeId = t.NodeId }).ToList(),
            StartedAt = now,
            InjectedAt = null,
            HealAt = null,
            HealedAt = null,
            HealCommitIndex = null,
            RecoveredAt = null,
            CompletedAt = null,
            LeaderBefore = leader,
            LastLeader = leader,
            LeaderAfter = null,
            LeaderChanges = 0,
            Transfers = 0,
            LastTransferAt = null,
            UnavailabilitySeconds = 0,
            RecoverySeconds = null,
            Probe = probe,
            Verdict = null,
            Reason = null,
            NextRunAt = null,
            Conditions = ChaosConditions.Set(
                ChaosConditions.Set(
                    ChaosConditions.Set(s.Conditions, ChaosConditions.Selected, true, "TargetsSelected", target, now),
                    ChaosConditions.AllInjected, false, "Injecting", "faults are being injected", now),
                ChaosConditions.AllRecovered, false, "NotHealed", "faults not healed yet", now),
        };
        return Step(started, TimeSpan.Zero, [.. catchUp, new ChaosEvent("Selected", $"{settings.Describe()} on {target}; leader before: {leader?.Pod ?? "none"}")]);
    }

    private async Task<ChaosStep> InjectAsync(ChaosSettings settings, ChaosExperimentStatus s, DateTime now, CancellationToken ct)
    {
        var members = await cluster.MembersAsync(ct).ConfigureAwait(false);
        var targets = (s.Targets ?? []).ToList();
        var plan = FaultPlan.For(settings, targets.Select(t => members.FirstOrDefault(m => m.NodeId == t.NodeId)).OfType<ChaosMember>().ToList(), members);
        var events = new List<ChaosEvent>();
        var injections = 0;
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            if (t.InjectedAt is not null)
            {
                continue;
            }

            var member = members.FirstOrDefault(m => m.NodeId == t.NodeId);
            var (ok, detail) = member is null ? (false, "not found") : await InjectOneAsync(settings, member, plan, ct).ConfigureAwait(false);
            if (!ok)
            {
                var healFailures = await HealAsync(s with { Targets = targets }, ct).ConfigureAwait(false);
                var why = $"injection into {t.Pod} failed: {detail}" + (healFailures.Count > 0 ? "; not healed: " + string.Join("; ", healFailures) : string.Empty);
                return Finish(settings, s with
                {
                    Phase = ChaosPhase.Failed,
                    Targets = targets,
                    Reason = why,
                    Conditions = ChaosConditions.Set(s.Conditions, ChaosConditions.AllInjected, false, "InjectionFailed", why, now),
                }, now, [.. events, new ChaosEvent("InjectionFailed", why, true)], injections);
            }

            targets[i] = t with { InjectedAt = now };
            injections++;
            events.Add(new ChaosEvent("Injected", $"{settings.Describe()} on {t.Pod} (node {t.NodeId.ToString(CultureInfo.InvariantCulture)})"));
        }

        var probe = await ProbeAsync(settings, s.Probe, s, now, ct).ConfigureAwait(false);
        var lasting = ChaosSettings.IsLasting(settings.Action);
        var next = s with
        {
            Targets = targets,
            Probe = probe.Status,
            UnavailabilitySeconds = probe.Unavailability,
            Phase = lasting ? ChaosPhase.Injected : ChaosPhase.Recovering,
            InjectedAt = now,
            HealAt = now + (lasting ? settings.Duration : TimeSpan.Zero),
            HealedAt = lasting ? null : now,
            HealCommitIndex = lasting ? null : await CommitIndexAsync(members, ct).ConfigureAwait(false),
            Conditions = ChaosConditions.Set(s.Conditions, ChaosConditions.AllInjected, true, "Injected",
                $"{targets.Count.ToString(CultureInfo.InvariantCulture)} target(s) injected" + (lasting ? $"; healing at {(now + settings.Duration):O}" : string.Empty), now),
        };
        return Step(next, lasting ? _options.ActivePoll : TimeSpan.Zero, events, injections);
    }

    private async Task<(bool Ok, string Detail)> InjectOneAsync(ChaosSettings settings, ChaosMember member, IReadOnlyDictionary<long, IReadOnlyList<Fault>> plan, CancellationToken ct)
    {
        switch (settings.Action)
        {
            case ChaosAction.PodKill when settings.KillMethod == PodKillMethod.Delete:
                return await cluster.DeletePodAsync(member, settings.GracePeriodSeconds, ct).ConfigureAwait(false);
            case ChaosAction.PodKill:
                var crash = await member.Admin.CrashAsync(ct).ConfigureAwait(false);
                // The process dies while answering: a lost answer is the expected outcome of a crash.
                return crash.IsOk || crash.Outcome is Client.AdminOutcome.Unavailable or Client.AdminOutcome.Cancelled or Client.AdminOutcome.Failed
                    ? (true, string.Empty)
                    : (false, $"{crash.Outcome}: {crash.Detail}");
            case ChaosAction.LeaderTransferStorm:
                // Nothing to set: a target is one the storm transfers leadership to.
                return (true, string.Empty);
            default:
                if (!plan.TryGetValue(member.NodeId, out var faults))
                {
                    return (true, string.Empty);
                }

                var result = await member.Admin.SetFaultsAsync(faults, ct).ConfigureAwait(false);
                return result.IsOk ? (true, string.Empty) : (false, $"{result.Outcome}: {result.Detail}");
        }
    }

    private async Task<ChaosStep> HoldAsync(ChaosSettings settings, ChaosExperimentStatus s, DateTime now, CancellationToken ct)
    {
        var members = await cluster.MembersAsync(ct).ConfigureAwait(false);
        var statuses = await StatusesAsync(members, ct).ConfigureAwait(false);
        var events = new List<ChaosEvent>();
        var s2 = TrackLeader(s, members, statuses, events);
        if (settings.Action == ChaosAction.LeaderTransferStorm && (s2.LastTransferAt is null || now - s2.LastTransferAt >= settings.TransferInterval) && now < s2.HealAt)
        {
            s2 = await TransferAsync(s2, members, statuses, now, events, ct).ConfigureAwait(false);
        }

        var probe = await ProbeAsync(settings, s2.Probe, s2, now, ct).ConfigureAwait(false);
        s2 = s2 with { Probe = probe.Status, UnavailabilitySeconds = probe.Unavailability };
        if (now < s2.HealAt)
        {
            return Step(s2, Min(s2.HealAt!.Value - now, _options.ActivePoll), events);
        }

        var failures = await HealAsync(s2, ct).ConfigureAwait(false);
        var commit = statuses.Values.Select(v => (long)v.CommitIndex).DefaultIfEmpty(0).Max();
        events.Add(new ChaosEvent("Healed", failures.Count == 0 ? "faults cleared on every target" : "faults cleared; " + string.Join("; ", failures), failures.Count > 0));
        return Step(s2 with { Phase = ChaosPhase.Recovering, HealedAt = now, HealCommitIndex = commit }, TimeSpan.Zero, events);
    }

    private async Task<ChaosExperimentStatus> TransferAsync(ChaosExperimentStatus s, IReadOnlyList<ChaosMember> members, IReadOnlyDictionary<long, NodeStatus> statuses, DateTime now, List<ChaosEvent> events, CancellationToken ct)
    {
        var leaderId = TargetSelection.LeaderOf(statuses);
        var leader = members.FirstOrDefault(m => m.NodeId == leaderId);
        var targets = s.Targets ?? [];
        if (leader is null || targets.Count == 0)
        {
            return s with { LastTransferAt = now };
        }

        var transfers = s.Transfers ?? 0;
        var to = targets[transfers % targets.Count];
        // A target that already leads hands over to whichever follower is best placed.
        var targetId = to.NodeId == leaderId ? 0UL : (ulong)to.NodeId;
        var result = await leader.Admin.TransferLeadershipAsync(targetId, ct).ConfigureAwait(false);
        events.Add(result.IsOk
            ? new ChaosEvent("LeaderTransferred", $"leadership from node {leaderId.ToString(CultureInfo.InvariantCulture)} to node {result.Value!.NewLeaderId.ToString(CultureInfo.InvariantCulture)}")
            : new ChaosEvent("LeaderTransferRefused", $"transfer from node {leaderId.ToString(CultureInfo.InvariantCulture)}: {result.Outcome}: {result.Detail}", true));
        return s with { LastTransferAt = now, Transfers = transfers + (result.IsOk ? 1 : 0) };
    }

    private async Task<ChaosStep> RecoverAsync(ChaosSettings settings, ChaosExperimentStatus s, DateTime now, CancellationToken ct)
    {
        var members = await cluster.MembersAsync(ct).ConfigureAwait(false);
        var statuses = await StatusesAsync(members, ct).ConfigureAwait(false);
        var events = new List<ChaosEvent>();
        var s2 = TrackLeader(s, members, statuses, events);
        var probe = await ProbeAsync(settings, s2.Probe, s2, now, ct).ConfigureAwait(false);
        s2 = s2 with { Probe = probe.Status, UnavailabilitySeconds = probe.Unavailability };

        var leaderId = TargetSelection.LeaderOf(statuses);
        var leaderCommit = leaderId != 0 ? (long)statuses[leaderId].CommitIndex : 0;
        var committedSinceHeal = settings.Probe
            ? s2.Probe?.LastAcknowledgedAt >= s2.HealedAt && leaderCommit > (s2.HealCommitIndex ?? 0)
            : leaderCommit >= (s2.HealCommitIndex ?? 0) && statuses.Values.All(v => (long)v.AppliedIndex >= (s2.HealCommitIndex ?? 0));
        if (s2.RecoveredAt is null && leaderId != 0 && committedSinceHeal)
        {
            s2 = s2 with { RecoveredAt = now, RecoverySeconds = Math.Round((now - s2.HealedAt!.Value).TotalSeconds, 3) };
            events.Add(new ChaosEvent("Recovered", $"leader node {leaderId.ToString(CultureInfo.InvariantCulture)}, commits resumed {s2.RecoverySeconds.Value.ToString("0.000", CultureInfo.InvariantCulture)}s after healing"));
        }

        var targets = (s2.Targets ?? []).Select(t => t.RecoveredAt is null && statuses.TryGetValue(t.NodeId, out var st) && st.LeaderId != 0 && !st.ActiveFaults.Any()
            ? t with { RecoveredAt = now }
            : t).ToList();
        var allBack = targets.All(t => t.RecoveredAt is not null);
        s2 = s2 with
        {
            Targets = targets,
            Conditions = ChaosConditions.Set(s2.Conditions, ChaosConditions.AllRecovered, allBack && s2.RecoveredAt is not null,
                allBack && s2.RecoveredAt is not null ? "Recovered" : "Recovering",
                allBack ? (s2.RecoveredAt is null ? "targets back; waiting for commits to resume" : "every target is back and commits resumed")
                    : "waiting for " + string.Join(", ", targets.Where(t => t.RecoveredAt is null).Select(t => t.Pod)), now),
        };

        var overdue = now - s2.HealedAt!.Value > settings.MaxRecovery;
        if (s2.RecoveredAt is not null && allBack)
        {
            return await JudgeAsync(settings, s2, members, now, events, ct).ConfigureAwait(false);
        }

        if (!overdue)
        {
            return Step(s2, _options.ActivePoll, events);
        }

        var why = s2.RecoveredAt is null
            ? (leaderId == 0 ? $"no leader within {settings.MaxRecovery.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s of healing"
                : $"commits did not resume within {settings.MaxRecovery.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s of healing")
            : $"target(s) {string.Join(", ", targets.Where(t => t.RecoveredAt is null).Select(t => t.Pod))} not back within {settings.MaxRecovery.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s of healing";
        return Complete(settings, s2, ChaosVerdict.Fail, why, members, statuses, now, events);
    }

    /// <summary>Ends a run (verdict or failure); a scheduled experiment records it in its history and sets its next run.</summary>
    private ChaosStep Finish(ChaosSettings settings, ChaosExperimentStatus s, DateTime now, List<ChaosEvent> events, int injections = 0)
    {
        if (settings.Schedule is not { } schedule)
        {
            return Step(s with { NextRunAt = null }, TimeSpan.Zero, events, injections);
        }

        var record = new RunRecord
        {
            StartedAt = s.StartedAt,
            CompletedAt = now,
            Phase = s.Phase,
            Verdict = s.Verdict,
            Reason = s.Reason,
            Target = s.Target,
            RecoverySeconds = s.RecoverySeconds,
            UnavailabilitySeconds = s.UnavailabilitySeconds,
        };
        var next = schedule.Next(now);
        events.Add(new ChaosEvent("Scheduled", $"next run at {next:O}"));
        return Step(s with { History = [record, .. (s.History ?? []).Take(settings.HistoryLimit - 1)], NextRunAt = next }, Min(next - now, _options.IdlePoll), events, injections);
    }

    private static ChaosStep Step(ChaosExperimentStatus status, TimeSpan wait, params ChaosEvent[] events) => new(status, events, wait, 0);

    private static ChaosStep Step(ChaosExperimentStatus status, TimeSpan wait, IReadOnlyList<ChaosEvent> events, int injections = 0) => new(status, events, wait, injections);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a < TimeSpan.Zero ? TimeSpan.Zero : a) : b;
}

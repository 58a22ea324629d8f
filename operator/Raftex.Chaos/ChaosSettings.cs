using System.Globalization;

namespace Raftex.Chaos;

/// <summary>A validated spec with every default filled in; <see cref="From"/> lists every problem at once.</summary>
public sealed record ChaosSettings
{
    /// <summary>The longest fault an experiment may hold.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public required string ClusterRef { get; init; }
    public required ChaosAction Action { get; init; }
    public SelectionMode Mode { get; init; }
    public int Value { get; init; }
    public TargetRole Role { get; init; }
    public IReadOnlyList<string> Pods { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<string>> Groups { get; init; } = [];
    public PartitionDirection Direction { get; init; }
    public TimeSpan Latency { get; init; }
    public TimeSpan Jitter { get; init; }
    public double LossFraction { get; init; }
    public TimeSpan ClockOffset { get; init; }
    public PodKillMethod KillMethod { get; init; }
    public int GracePeriodSeconds { get; init; }
    public TimeSpan TransferInterval { get; init; }
    public TimeSpan Duration { get; init; }
    public CronSchedule? Schedule { get; init; }
    public int HistoryLimit { get; init; }
    public TimeSpan MaxRecovery { get; init; }
    public bool Probe { get; init; }
    public ulong ProbeAccount { get; init; }
    public string ProbeAsset { get; init; } = "USD";

    /// <summary>Whether the action holds a fault for a duration (everything but PodKill).</summary>
    public static bool IsLasting(ChaosAction action) => action != ChaosAction.PodKill;

    /// <summary>The settings, or every problem of the spec as "field: what is wrong".</summary>
    public static (ChaosSettings? Settings, IReadOnlyList<string> Errors) From(ChaosExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.ClusterRef))
        {
            errors.Add("spec.clusterRef: required (the ExchangeCluster to inject into)");
        }

        if (spec.Action is not { } action)
        {
            errors.Add("spec.action: required, one of " + string.Join(", ", Enum.GetNames<ChaosAction>()));
            return (null, errors);
        }

        var selector = spec.Selector ?? new TargetSelectorSpec();
        var mode = selector.Mode ?? SelectionMode.One;
        var value = selector.Value ?? 0;
        if (mode is SelectionMode.Fixed or SelectionMode.FixedPercent or SelectionMode.RandomMaxPercent && selector.Pods is not { Count: > 0 })
        {
            if (selector.Value is null)
            {
                errors.Add($"spec.selector.value: required for mode {mode}");
            }
            else if (value < 1 || (mode != SelectionMode.Fixed && value > 100))
            {
                errors.Add($"spec.selector.value: {value} is out of range for mode {mode} ({(mode == SelectionMode.Fixed ? "at least 1" : "1 to 100 percent")})");
            }
        }

        var groups = spec.Partition?.Groups?.Select(g => (IReadOnlyList<string>)g.Pods.ToList()).ToList() ?? [];
        if (groups.Count > 0)
        {
            if (action != ChaosAction.Partition)
            {
                errors.Add("spec.partition.groups: only for action Partition");
            }
            else if (groups.Count < 2)
            {
                errors.Add("spec.partition.groups: at least two groups are needed to partition");
            }

            var all = groups.SelectMany(g => g).ToList();
            foreach (var dup in all.GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                errors.Add($"spec.partition.groups: pod {dup.Key} is in more than one group");
            }

            if (groups.Any(g => g.Count == 0))
            {
                errors.Add("spec.partition.groups: a group has no pods");
            }
        }

        var duration = TimeSpan.Zero;
        if (spec.Duration is { } text)
        {
            if (!DurationText.TryParse(text, out duration))
            {
                errors.Add($"spec.duration: '{text}' is not a duration such as 500ms, 30s, 2m or 1h");
            }
            else if (duration <= TimeSpan.Zero || duration > MaxDuration)
            {
                errors.Add($"spec.duration: {text} is out of range (more than 0, at most {DurationText.Format(MaxDuration)})");
            }
        }
        else if (IsLasting(action))
        {
            errors.Add($"spec.duration: required for {action} (every lasting fault is bounded; at most {DurationText.Format(MaxDuration)})");
        }

        var latency = TimeSpan.Zero;
        var jitter = TimeSpan.Zero;
        if (action == ChaosAction.Delay)
        {
            if (spec.Delay?.LatencyMs is not { } ms || ms < 1 || ms > 60_000)
            {
                errors.Add("spec.delay.latencyMs: required for Delay, 1 to 60000");
            }
            else
            {
                latency = TimeSpan.FromMilliseconds(ms);
            }

            var j = spec.Delay?.JitterMs ?? 0;
            if (j < 0 || j > 60_000)
            {
                errors.Add("spec.delay.jitterMs: 0 to 60000");
            }

            jitter = TimeSpan.FromMilliseconds(j);
        }

        var loss = 0.0;
        if (action == ChaosAction.Loss)
        {
            if (spec.Loss?.Percent is not { } percent || percent < 1 || percent > 100)
            {
                errors.Add("spec.loss.percent: required for Loss, 1 to 100");
            }
            else
            {
                loss = percent / 100.0;
            }
        }

        var offset = TimeSpan.Zero;
        if (action == ChaosAction.ClockSkew)
        {
            if (spec.ClockSkew?.OffsetSeconds is not { } seconds || seconds == 0)
            {
                errors.Add("spec.clockSkew.offsetSeconds: required for ClockSkew and not 0");
            }
            else if (Math.Abs(seconds) > ClockSkewSpec.MaxOffsetSeconds)
            {
                errors.Add($"spec.clockSkew.offsetSeconds: {seconds} is beyond ±{ClockSkewSpec.MaxOffsetSeconds} (7 days)");
            }
            else
            {
                offset = TimeSpan.FromSeconds(seconds);
            }
        }

        var grace = spec.PodKill?.GracePeriodSeconds ?? 2;
        if (grace < 1 || grace > 30)
        {
            errors.Add($"spec.podKill.gracePeriodSeconds: {grace} is out of range 1 to 30 (0 would be a force delete, which breaks the StatefulSet's one pod per identity)");
        }

        var interval = spec.LeaderTransferStorm?.IntervalMs ?? 2000;
        if (interval < 100 || interval > 600_000)
        {
            errors.Add("spec.leaderTransferStorm.intervalMs: 100 to 600000");
        }

        CronSchedule? schedule = null;
        if (spec.Schedule is { } cron)
        {
            if (!CronSchedule.TryParse(cron, out schedule, out var why))
            {
                errors.Add($"spec.schedule: '{cron}' is not a cron schedule: {why}");
            }
        }

        var historyLimit = spec.HistoryLimit ?? 10;
        if (historyLimit < 1 || historyLimit > 100)
        {
            errors.Add("spec.historyLimit: 1 to 100");
        }

        var maxRecovery = spec.Checks?.MaxRecoverySeconds ?? 30;
        if (maxRecovery < 1 || maxRecovery > 3600)
        {
            errors.Add("spec.checks.maxRecoverySeconds: 1 to 3600");
        }

        var account = spec.Checks?.ProbeAccount ?? 900_000_001L;
        if (account < 1)
        {
            errors.Add("spec.checks.probeAccount: must be positive");
        }

        var asset = spec.Checks?.ProbeAsset ?? "USD";
        if (string.IsNullOrWhiteSpace(asset))
        {
            errors.Add("spec.checks.probeAsset: must not be empty");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ChaosSettings
        {
            ClusterRef = spec.ClusterRef,
            Action = action,
            Mode = mode,
            Value = value,
            Role = selector.Role ?? TargetRole.Any,
            Pods = selector.Pods?.ToList() ?? [],
            Groups = groups,
            Direction = spec.Partition?.Direction ?? PartitionDirection.Both,
            Latency = latency,
            Jitter = jitter,
            LossFraction = loss,
            ClockOffset = offset,
            KillMethod = spec.PodKill?.Method ?? PodKillMethod.Crash,
            GracePeriodSeconds = grace,
            TransferInterval = TimeSpan.FromMilliseconds(interval),
            Duration = duration,
            Schedule = schedule,
            HistoryLimit = historyLimit,
            MaxRecovery = TimeSpan.FromSeconds(maxRecovery),
            Probe = spec.Checks?.Probe ?? true,
            ProbeAccount = (ulong)account,
            ProbeAsset = asset,
        }, errors);
    }

    /// <summary>One line describing the fault, for events and progress output.</summary>
    public string Describe() => Action switch
    {
        ChaosAction.Partition => $"partition ({Direction}) for {DurationText.Format(Duration)}",
        ChaosAction.PodKill => KillMethod == PodKillMethod.Crash ? "pod kill (Admin Crash)" : $"pod kill (delete, grace {GracePeriodSeconds.ToString(CultureInfo.InvariantCulture)}s)",
        ChaosAction.Delay => $"delay {DurationText.Format(Latency)} ± {DurationText.Format(Jitter)} for {DurationText.Format(Duration)}",
        ChaosAction.Loss => $"loss {(LossFraction * 100).ToString("0", CultureInfo.InvariantCulture)}% for {DurationText.Format(Duration)}",
        ChaosAction.ClockSkew => $"clock skew {ClockOffset.TotalSeconds.ToString("+0;-0", CultureInfo.InvariantCulture)}s for {DurationText.Format(Duration)}",
        ChaosAction.LeaderTransferStorm => $"leader transfer every {DurationText.Format(TransferInterval)} for {DurationText.Format(Duration)}",
        _ => Action.ToString(),
    };
}

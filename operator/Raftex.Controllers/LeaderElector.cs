using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Raftex.Controllers;

/// <summary>
/// Leader election through a coordination.k8s.io/v1 Lease, in client-go's shape: acquire when the lease is free or
/// has not changed for leaseDuration (judged by the local clock from when this replica last saw it change, so
/// clock skew between replicas does not matter), renew every RetryPeriod, and the moment RenewDeadline passes
/// since the last successful renew began, cancel the work token and report the loss. RenewDeadline &lt;
/// LeaseDuration is what keeps two replicas from ever acting at once.
/// </summary>
public sealed class LeaderElector
{
    private readonly ILeaseClient _client;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private (string? Holder, DateTime? RenewTime, int? Transitions, string? ResourceVersion) _observedRecord;
    private DateTimeOffset _observedTime;
    private bool _isLeader;
    private CancellationTokenSource? _term;
    private long _parkedUntilTicks;

    /// <summary>Creates an elector; nothing happens until <see cref="RunAsync"/>.</summary>
    public LeaderElector(ILeaseClient client, LeaderElectionOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>This replica's identity.</summary>
    public string Identity => _options.Identity;

    /// <summary>True while this replica holds the lease and its work token is live.</summary>
    public bool IsLeader
    {
        get
        {
            lock (_lock)
            {
                return _isLeader;
            }
        }
    }

    /// <summary>The holder this replica last saw in the lease (itself, another replica, or null).</summary>
    public string? ObservedLeader
    {
        get
        {
            lock (_lock)
            {
                return _observedRecord.Holder;
            }
        }
    }

    /// <summary>Raised with true when this replica starts leading and false the moment it stops.</summary>
    public event Action<bool>? LeadershipChanged;

    /// <summary>For tests: the clock time this elector is parked until, or null while it is busy.</summary>
    internal DateTimeOffset? ParkedUntil
    {
        get
        {
            var ticks = Volatile.Read(ref _parkedUntilTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Campaigns until <paramref name="cancellationToken"/> is cancelled. Each time this replica becomes leader it
    /// runs <paramref name="lead"/> with a token that is cancelled the moment leadership is lost; after a loss it
    /// waits for <paramref name="lead"/> to return and campaigns again.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        while (!cancellationToken.IsCancellationRequested)
        {
            DateTimeOffset acquiredAt;
            try
            {
                acquiredAt = await AcquireAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var workEnded = await LeadAsync(lead, acquiredAt, cancellationToken).ConfigureAwait(false);
            if (workEnded && !cancellationToken.IsCancellationRequested)
            {
                // Give the other replicas a full lease duration to pick up the released lease before campaigning again.
                try
                {
                    await ParkAsync(_options.LeaseDuration, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task<DateTimeOffset> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var attemptStart = _time.GetUtcNow();
            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                return attemptStart;
            }

            await ParkAsync(_options.RetryPeriod, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Leads until leadership is lost or given up; true when it was given up because the work ended by itself.</summary>
    private async Task<bool> LeadAsync(Func<CancellationToken, Task> lead, DateTimeOffset acquiredAt, CancellationToken cancellationToken)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        lock (_lock)
        {
            _isLeader = true;
            _term = leading;
        }

        // The deadline is a timer, not a check in the renew loop: a renew call that hangs must not keep us leading.
        var first = acquiredAt + _options.RenewDeadline - _time.GetUtcNow();
        using var deadline = _time.CreateTimer(_ => StepDown(leading, "renew deadline passed"), null, first > TimeSpan.Zero ? first : TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        _logger.LogInformation("Replica {Identity} became leader of lease {Namespace}/{Lease}", Identity, _options.Namespace, _options.LeaseName);
        Notify(true);
        var work = Task.Run(() => lead(leading.Token), CancellationToken.None);
        var workEnded = false;
        while (!leading.IsCancellationRequested)
        {
            try
            {
                // ForceYielding: when StepDown cancels `leading`, this loop must not resume inline inside that Cancel
                // call, or it would dispose `leading` while its own callbacks are still running.
                await ParkAsync(_options.RetryPeriod, leading.Token).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                var attemptStart = _time.GetUtcNow();
                if (await TryAcquireOrRenewAsync(leading.Token).ConfigureAwait(ConfigureAwaitOptions.ForceYielding))
                {
                    // Others measure expiry from when they see this write, which is after attemptStart: counting
                    // our deadline from attemptStart keeps us on the safe side.
                    lock (_lock)
                    {
                        if (_isLeader && ReferenceEquals(_term, leading))
                        {
                            var remaining = attemptStart + _options.RenewDeadline - _time.GetUtcNow();
                            if (remaining > TimeSpan.Zero)
                            {
                                deadline.Change(remaining, Timeout.InfiniteTimeSpan);
                            }
                        }
                    }
                }
                else if (ObservedLeader != Identity)
                {
                    StepDown(leading, $"lease taken by {ObservedLeader}");
                }

                // Work that ended by itself (a crashed controller) must not keep the lease from a replica that would work.
                if (work.IsCompleted && !leading.IsCancellationRequested)
                {
                    workEnded = true;
                    StepDown(leading, "the leader's work ended");
                }
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                break;
            }
        }

        StepDown(leading, cancellationToken.IsCancellationRequested ? "shutting down" : "lost");
        try
        {
            await work.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // The work stopped because we told it to.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Leader work of {Identity} failed", Identity);
        }

        // Our work has stopped, so handing the lease over early is safe; a lost lease is not ours to release.
        if (workEnded || cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }

        return workEnded;
    }

    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(_options.RetryPeriod, _time);
        try
        {
            var lease = await _client.GetAsync(_options.Namespace, _options.LeaseName, timeout.Token).ConfigureAwait(false);
            if (lease?.Spec is not { } spec || !string.Equals(spec.HolderIdentity, Identity, StringComparison.Ordinal))
            {
                return;
            }

            lease.Spec = spec with { HolderIdentity = null, LeaseDurationSeconds = 1, RenewTime = _time.GetUtcNow().UtcDateTime };
            Observe(await _client.ReplaceAsync(lease, timeout.Token).ConfigureAwait(false), _time.GetUtcNow());
            _logger.LogInformation("Replica {Identity} released lease {Namespace}/{Lease}", Identity, _options.Namespace, _options.LeaseName);
        }
        catch (Exception e)
        {
            // Best effort: without the release the others take over after the lease expires, as after a crash.
            _logger.LogDebug(e, "Release of lease {Namespace}/{Lease} by {Identity} failed", _options.Namespace, _options.LeaseName, Identity);
        }
    }

    private void StepDown(CancellationTokenSource leading, string why)
    {
        lock (_lock)
        {
            // A deadline timer of an earlier term can fire late; only the current term may be ended.
            if (!_isLeader || !ReferenceEquals(_term, leading))
            {
                return;
            }

            _isLeader = false;
            _term = null;
        }

        // Cancel first, log after: the point is that work stops at this instant.
        leading.Cancel();
        _logger.LogWarning("Replica {Identity} stopped leading lease {Namespace}/{Lease}: {Reason}", Identity, _options.Namespace, _options.LeaseName, why);
        Notify(false);
    }

    private void Notify(bool leading)
    {
        try
        {
            LeadershipChanged?.Invoke(leading);
        }
        catch (Exception e)
        {
            // This may run on a timer thread, where an exception would take the process down.
            _logger.LogError(e, "LeadershipChanged handler failed");
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var durationSeconds = (int)_options.LeaseDuration.TotalSeconds;
        try
        {
            var lease = await _client.GetAsync(_options.Namespace, _options.LeaseName, cancellationToken).ConfigureAwait(false);

            // Observation and expiry are judged when the answer arrives, never at attemptStart: a read that was
            // slow may show a renewal made long after we asked, and dating it back would let us take over early.
            var now = _time.GetUtcNow();
            var at = now.UtcDateTime;
            if (lease is null)
            {
                var created = await _client.CreateAsync(
                    new V1Lease
                    {
                        ApiVersion = "coordination.k8s.io/v1",
                        Kind = "Lease",
                        Metadata = new V1ObjectMeta { Name = _options.LeaseName, NamespaceProperty = _options.Namespace },
                        Spec = new V1LeaseSpec
                        {
                            HolderIdentity = Identity,
                            LeaseDurationSeconds = durationSeconds,
                            AcquireTime = at,
                            RenewTime = at,
                            LeaseTransitions = 0,
                        },
                    },
                    cancellationToken).ConfigureAwait(false);
                Observe(created, _time.GetUtcNow());
                return true;
            }

            Observe(lease, now);
            var spec = lease.Spec ?? new V1LeaseSpec();
            var holder = spec.HolderIdentity;
            var mine = string.Equals(holder, Identity, StringComparison.Ordinal);
            if (!mine && !string.IsNullOrEmpty(holder))
            {
                var duration = spec.LeaseDurationSeconds is > 0 ? TimeSpan.FromSeconds(spec.LeaseDurationSeconds.Value) : _options.LeaseDuration;
                DateTimeOffset observedAt;
                lock (_lock)
                {
                    observedAt = _observedTime;
                }

                if (observedAt + duration > now)
                {
                    return false;
                }
            }

            lease.Spec = spec with
            {
                HolderIdentity = Identity,
                LeaseDurationSeconds = durationSeconds,
                RenewTime = at,
                AcquireTime = mine ? spec.AcquireTime ?? at : at,
                LeaseTransitions = mine ? spec.LeaseTransitions ?? 0 : (spec.LeaseTransitions ?? 0) + 1,
            };
            var replaced = await _client.ReplaceAsync(lease, cancellationToken).ConfigureAwait(false);
            Observe(replaced, _time.GetUtcNow());
            if (!mine)
            {
                _logger.LogInformation("Replica {Identity} took over lease {Namespace}/{Lease} from {Previous}", Identity, _options.Namespace, _options.LeaseName, holder ?? "nobody");
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A conflict means another replica wrote first; anything else is the API being unreachable. Either
            // way this attempt failed and the caller's timing rules decide what that means.
            _logger.LogDebug(e, "Acquire/renew of lease {Namespace}/{Lease} by {Identity} failed", _options.Namespace, _options.LeaseName, Identity);
            return false;
        }
    }

    private void Observe(V1Lease lease, DateTimeOffset now)
    {
        var record = (lease.Spec?.HolderIdentity, lease.Spec?.RenewTime, lease.Spec?.LeaseTransitions, lease.Metadata?.ResourceVersion);
        lock (_lock)
        {
            if (record != _observedRecord)
            {
                _observedRecord = record;
                _observedTime = now;
            }
        }
    }

    private async Task ParkAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var until = _time.GetUtcNow() + delay;
        var wait = Task.Delay(delay, _time, cancellationToken);
        Volatile.Write(ref _parkedUntilTicks, until.UtcTicks);
        try
        {
            await wait.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _parkedUntilTicks, 0);
        }
    }
}

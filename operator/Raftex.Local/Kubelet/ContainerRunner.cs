using System.Diagnostics;
using k8s.Models;

namespace Raftex.Local.Kubelet;

/// <summary>
/// One container of a pod as a supervised process: start, probes (readiness and liveness), exit, restart by the pod's
/// restart policy with exponential back-off, and graceful stop (SIGTERM, SIGKILL after the grace period). Every change
/// calls <c>changed</c> so the kubelet writes the pod's status.
/// </summary>
internal sealed class ContainerRunner(V1Container spec, string podIp, string restartPolicy, Func<Process> launch, KubeletOptions options, Action changed)
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Process? _process;
    private Task _run = Task.CompletedTask;
    private TimeSpan _grace = TimeSpan.FromSeconds(30);
    private int _restarts;
    private bool _ready;
    private bool _started;
    private DateTime? _runningSince;
    private V1ContainerStateWaiting? _waiting = new() { Reason = "ContainerCreating" };
    private V1ContainerStateTerminated? _terminated;
    private V1ContainerStateTerminated? _lastTerminated;

    public string Name => spec.Name;

    /// <summary>True when the container will never run again (restart policy said so, or it was stopped).</summary>
    public bool Finished { get; private set; }

    public int? LastExitCode => _terminated?.ExitCode;

    public bool Ready
    {
        get
        {
            lock (_lock)
            {
                return _ready;
            }
        }
    }

    public bool Started
    {
        get
        {
            lock (_lock)
            {
                return _started;
            }
        }
    }

    /// <summary>Starts the supervision loop, or reports <paramref name="imageError"/> as an image pull failure.</summary>
    public void Start(string? imageError)
    {
        if (imageError is not null)
        {
            lock (_lock)
            {
                _waiting = new V1ContainerStateWaiting { Reason = "ErrImagePull", Message = imageError };
            }

            changed();
            return;
        }

        _run = SuperviseAsync(_stop.Token);
    }

    /// <summary>SIGTERM, then SIGKILL when <paramref name="grace"/> passes; returns once the process is gone.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _grace = grace;
        await _stop.CancelAsync().ConfigureAwait(false);
        Process? process;
        lock (_lock)
        {
            process = _process;
        }

        if (process is not null)
        {
            await Terminate(process, grace).ConfigureAwait(false);
        }

        await _run.ConfigureAwait(false);
    }

    public V1ContainerStatus Status()
    {
        lock (_lock)
        {
            return new V1ContainerStatus
            {
                Name = spec.Name,
                Image = spec.Image,
                ImageID = spec.Image,
                Ready = _ready,
                Started = _started,
                RestartCount = _restarts,
                State = _waiting is not null ? new V1ContainerState { Waiting = _waiting }
                    : _runningSince is { } since ? new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = since } }
                    : new V1ContainerState { Terminated = _terminated },
                LastState = _lastTerminated is null ? new V1ContainerState() : new V1ContainerState { Terminated = _lastTerminated },
            };
        }
    }

    private async Task SuperviseAsync(CancellationToken ct)
    {
        var backOff = options.InitialBackOff;
        while (!ct.IsCancellationRequested)
        {
            Process process;
            try
            {
                process = launch();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
            {
                lock (_lock)
                {
                    _waiting = new V1ContainerStateWaiting { Reason = "CreateContainerError", Message = e.Message };
                }

                changed();
                if (!await DelayAsync(backOff, ct).ConfigureAwait(false))
                {
                    break;
                }

                backOff = Next(backOff);
                continue;
            }

            var startedAt = DateTime.UtcNow;
            lock (_lock)
            {
                _process = process;
                _waiting = null;
                _terminated = null;
                _runningSince = startedAt;
                _started = true;
                _ready = spec.ReadinessProbe is null;
            }

            if (ct.IsCancellationRequested)
            {
                // Stopped between launch and here: StopAsync saw no process to signal.
                _ = Terminate(process, _grace);
            }

            changed();
            using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var probes = Task.WhenAll(ReadinessAsync(run.Token), LivenessAsync(process, run.Token));
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await run.CancelAsync().ConfigureAwait(false);
            await probes.ConfigureAwait(false);

            var exitCode = process.ExitCode;
            process.Dispose();
            var terminated = new V1ContainerStateTerminated
            {
                ExitCode = exitCode,
                Reason = exitCode == 0 ? "Completed" : exitCode == 137 || exitCode == -9 ? "Killed" : "Error",
                StartedAt = startedAt,
                FinishedAt = DateTime.UtcNow,
            };
            var restart = !ct.IsCancellationRequested && (restartPolicy == "Always" || (restartPolicy == "OnFailure" && exitCode != 0));
            lock (_lock)
            {
                _process = null;
                _ready = false;
                _started = false;
                _runningSince = null;
                _terminated = terminated;
                if (restart)
                {
                    _lastTerminated = terminated;
                    _waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = $"back-off {backOff.TotalSeconds:F0}s restarting failed container={spec.Name}" };
                }
            }

            changed();
            if (!restart)
            {
                break;
            }

            backOff = DateTime.UtcNow - startedAt >= options.BackOffReset ? options.InitialBackOff : backOff;
            if (!await DelayAsync(backOff, ct).ConfigureAwait(false))
            {
                break;
            }

            backOff = Next(backOff);
            lock (_lock)
            {
                _restarts++;
            }
        }

        lock (_lock)
        {
            Finished = true;
            if (_waiting is not null && _terminated is not null)
            {
                _waiting = null;
            }
        }

        changed();
    }

    private async Task ReadinessAsync(CancellationToken ct)
    {
        if (spec.ReadinessProbe is not { } probe)
        {
            return;
        }

        await RunProbeAsync(probe, ok =>
        {
            bool flipped;
            lock (_lock)
            {
                flipped = _ready != ok;
                _ready = ok;
            }

            if (flipped)
            {
                changed();
            }
        }, ct).ConfigureAwait(false);
    }

    private async Task LivenessAsync(Process process, CancellationToken ct)
    {
        if (spec.LivenessProbe is not { } probe)
        {
            return;
        }

        await RunProbeAsync(probe, ok =>
        {
            if (!ok)
            {
                // The kubelet kills a container whose liveness probe keeps failing; the restart policy brings it back.
                _ = Terminate(process, TimeSpan.FromSeconds(30));
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Runs a probe every period and reports a state once the success or failure threshold is crossed.</summary>
    private async Task RunProbeAsync(V1Probe probe, Action<bool> report, CancellationToken ct)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10));
        var successThreshold = Math.Max(1, probe.SuccessThreshold ?? 1);
        var failureThreshold = Math.Max(1, probe.FailureThreshold ?? 3);
        if (!await DelayAsync(TimeSpan.FromSeconds(probe.InitialDelaySeconds ?? 0), ct).ConfigureAwait(false))
        {
            return;
        }

        int successes = 0, failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var failure = await Probe.RunAsync(probe, spec, podIp, ct).ConfigureAwait(false);
            if (ct.IsCancellationRequested)
            {
                return;
            }

            if (failure is null)
            {
                failures = 0;
                if (++successes >= successThreshold)
                {
                    report(true);
                }
            }
            else
            {
                successes = 0;
                if (++failures >= failureThreshold)
                {
                    report(false);
                }
            }

            if (!await DelayAsync(period, ct).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private static async Task Terminate(Process process, TimeSpan grace)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }

            if (!Signals.Terminate(process.Id))
            {
                return;
            }

            using var wait = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited and disposed by the supervision loop.
        }
    }

    private TimeSpan Next(TimeSpan backOff) => TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, options.MaxBackOff.Ticks));

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

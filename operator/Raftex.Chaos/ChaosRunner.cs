namespace Raftex.Chaos;

/// <summary>Runs one experiment to its verdict in memory (raftex-chaos, tests): steps the engine, waits as it asks, heals if cancelled.</summary>
public static class ChaosRunner
{
    /// <summary>The final status; <paramref name="progress"/> sees every event as it happens.</summary>
    public static async Task<ChaosExperimentStatus> RunAsync(ChaosEngine engine, ChaosExperimentSpec spec, Action<ChaosEvent> progress, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(progress);
        var clock = time ?? TimeProvider.System;
        var status = new ChaosExperimentStatus();
        try
        {
            while (true)
            {
                var step = await engine.StepAsync(spec, status, cancellationToken).ConfigureAwait(false);
                status = step.Status;
                foreach (var e in step.Events)
                {
                    progress(e);
                }

                // A schedule is the operator's business: run by hand, one run is the whole experiment.
                if (step.Finished || status.Phase == ChaosPhase.Completed)
                {
                    return status;
                }

                if (step.Wait > TimeSpan.Zero)
                {
                    await Task.Delay(step.Wait, clock, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted: take the faults out now rather than leave them to expire.
            foreach (var failure in await engine.HealAsync(status, CancellationToken.None).ConfigureAwait(false))
            {
                progress(new ChaosEvent("HealFailed", failure, true));
            }

            throw;
        }
    }
}

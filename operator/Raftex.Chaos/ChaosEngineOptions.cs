namespace Raftex.Chaos;

/// <summary>Pacing of the engine's steps and of the probe.</summary>
public sealed record ChaosEngineOptions
{
    /// <summary>Wait between steps while a fault is held or the cluster recovers.</summary>
    public TimeSpan ActivePoll { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait while idle (waiting for a scheduled run).</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Probe deposits sent per step.</summary>
    public int ProbeBatch { get; init; } = 3;
}

namespace Raftex.Controllers;

/// <summary>Per-key exponential back-off (base·2^failures, capped at max); thread-safe.</summary>
public sealed class KeyedBackoff<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Lock _lock = new();

    /// <summary>Creates a limiter with the delay of the first failure and the cap.</summary>
    public KeyedBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    /// <summary>The delay after the first failure.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>The largest delay.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>Records one more failure of <paramref name="key"/> and returns how long to wait before retrying it.</summary>
    public TimeSpan When(TKey key)
    {
        int failures;
        lock (_lock)
        {
            _failures.TryGetValue(key, out failures);
            _failures[key] = failures + 1;
        }

        var delay = ExponentialBackoff.Uncapped(BaseDelay, failures);
        return delay > MaxDelay ? MaxDelay : delay;
    }

    /// <summary>How many consecutive failures <paramref name="key"/> has had.</summary>
    public int Failures(TKey key)
    {
        lock (_lock)
        {
            return _failures.TryGetValue(key, out var n) ? n : 0;
        }
    }

    /// <summary>Forgets the failures of <paramref name="key"/> (after a success), so its next failure waits the base delay.</summary>
    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }
}

namespace Raftex.Controllers;

/// <summary>Exponential back-off with a cap and jitter; one instance per retrying loop, not thread-safe.</summary>
public sealed class ExponentialBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly double _jitter;
    private readonly Random _random;
    private int _attempts;

    /// <summary>Creates a back-off that starts at <paramref name="initial"/>, doubles, and stops growing at <paramref name="max"/>.</summary>
    /// <param name="initial">The first delay.</param>
    /// <param name="max">The largest delay before jitter.</param>
    /// <param name="jitter">The fraction (0..1) of each delay that is randomised, so many clients do not retry in step.</param>
    /// <param name="random">The random source (seeded in tests).</param>
    public ExponentialBackoff(TimeSpan initial, TimeSpan max, double jitter = 0.2, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        ArgumentOutOfRangeException.ThrowIfLessThan(jitter, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jitter, 1.0);
        _initial = initial;
        _max = max;
        _jitter = jitter;
        _random = random ?? Random.Shared;
    }

    /// <summary>How many delays were handed out since the last reset.</summary>
    public int Attempts => _attempts;

    /// <summary>The next delay: initial·2^attempts, capped, minus up to the jitter fraction.</summary>
    public TimeSpan Next()
    {
        var raw = Uncapped(_initial, _attempts);
        var capped = raw > _max ? _max : raw;
        if (_attempts < 62)
        {
            _attempts++;
        }

        // Jitter only shortens the delay, so the cap stays a true upper bound.
        var cut = capped.Ticks * _jitter * _random.NextDouble();
        return TimeSpan.FromTicks(capped.Ticks - (long)cut);
    }

    /// <summary>Starts again from the initial delay (after a success).</summary>
    public void Reset() => _attempts = 0;

    internal static TimeSpan Uncapped(TimeSpan initial, int attempts)
    {
        // Doubling past 2^40 of anything useful overflows long ticks; saturate instead.
        if (attempts >= 40)
        {
            return TimeSpan.MaxValue;
        }

        var ticks = initial.Ticks * (1L << attempts);
        return ticks < 0 || (initial.Ticks != 0 && ticks / initial.Ticks != 1L << attempts) ? TimeSpan.MaxValue : TimeSpan.FromTicks(ticks);
    }
}

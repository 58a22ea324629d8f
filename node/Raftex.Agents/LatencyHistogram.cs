namespace Raftex.Agents;

/// <summary>
/// A lock-free latency histogram with buckets 2% wide from 1 µs to about 100 s, for the summary's percentiles
/// (the OpenTelemetry histogram's fixed buckets are for dashboards, too coarse for a p99).
/// </summary>
internal sealed class LatencyHistogram
{
    private const double Growth = 1.02;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _counts = new long[(int)(Math.Log(100e6) / LogGrowth) + 2];
    private long _total;

    public long Count => Interlocked.Read(ref _total);

    public void Record(TimeSpan latency)
    {
        var micros = Math.Max(1.0, latency.TotalMicroseconds);
        var bucket = Math.Min(_counts.Length - 1, (int)(Math.Log(micros) / LogGrowth));
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _total);
    }

    /// <summary>The latency below which <paramref name="quantile"/> of the samples fall (upper bound of its bucket), in milliseconds; 0 without samples.</summary>
    public double QuantileMs(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Pow(Growth, i + 1) / 1000.0;
            }
        }

        return Math.Pow(Growth, _counts.Length) / 1000.0;
    }
}

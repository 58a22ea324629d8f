using System.Diagnostics;

namespace Raftex.Bench.Cluster;

/// <summary>Latency samples of one phase, collected from many callers.</summary>
internal sealed class Latencies
{
    private readonly List<double> _ms = new(1 << 20);
    private readonly Lock _gate = new();
    private long _errors;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ms.Count;
            }
        }
    }

    public long Errors => Interlocked.Read(ref _errors);

    public void Add(long startTimestamp)
    {
        var ms = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        lock (_gate)
        {
            _ms.Add(ms);
        }
    }

    public void Error() => Interlocked.Increment(ref _errors);

    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_ms.Count == 0)
            {
                return double.NaN;
            }

            _ms.Sort();
            return _ms[Math.Min(_ms.Count - 1, (int)(p * _ms.Count))];
        }
    }
}

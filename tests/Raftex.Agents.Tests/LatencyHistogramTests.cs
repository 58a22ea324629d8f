namespace Raftex.Agents.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Quantiles_are_within_the_two_percent_bucket_width()
    {
        var h = new LatencyHistogram();
        for (var ms = 1; ms <= 100; ms++)
        {
            h.Record(TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal(100, h.Count);
        Assert.InRange(h.QuantileMs(0.50), 50, 50 * 1.021);
        Assert.InRange(h.QuantileMs(0.99), 99, 99 * 1.021);
        Assert.Equal(0, new LatencyHistogram().QuantileMs(0.5));
    }
}

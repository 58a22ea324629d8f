using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using Raftex.Protocol.V1;

namespace Raftex.Node.Tests;

public sealed class FaultSetTests
{
    private static Fault Isolate(FaultDirection direction, TimeSpan duration, params ulong[] peers)
    {
        var f = new Fault { Isolate = new IsolateFault { Direction = direction }, Duration = Duration.FromTimeSpan(duration) };
        f.Isolate.PeerNodeIds.Add(peers);
        return f;
    }

    [Fact]
    public void Isolation_drops_only_the_named_peers_in_the_named_direction()
    {
        var faults = new FaultSet(new FakeTimeProvider());
        faults.Add([Isolate(FaultDirection.Inbound, TimeSpan.FromSeconds(5), 2)]);
        Assert.True(faults.Drops(2, outbound: false));
        Assert.False(faults.Drops(2, outbound: true));
        Assert.False(faults.Drops(3, outbound: false));
    }

    [Fact]
    public void A_fault_clears_itself_when_its_duration_ends()
    {
        var time = new FakeTimeProvider();
        var faults = new FaultSet(time);
        var changes = new List<string>();
        faults.Changed += changes.Add;
        var active = faults.Add([Isolate(FaultDirection.Both, TimeSpan.FromSeconds(5))]);
        Assert.Single(active);
        Assert.NotNull(active[0].ExpiresAt);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(faults.Drops(7, outbound: true));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(faults.Drops(7, outbound: true));
        Assert.Equal(0, faults.ActiveCount);
        Assert.Contains(changes, c => c.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public void Clock_skew_gives_both_the_stamp_offset_and_the_tick_rate()
    {
        var faults = new FaultSet(new FakeTimeProvider());
        faults.Add([new Fault { ClockSkew = new ClockSkewFault { Skew = Duration.FromTimeSpan(TimeSpan.FromSeconds(-3)), TickRate = 0.5 }, Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(1)) }]);
        var (offset, rate) = faults.ClockSkew();
        Assert.Equal(TimeSpan.FromSeconds(-3), offset);
        Assert.Equal(0.5, rate);
    }

    [Theory]
    [InlineData(0.0, 1.5, "fraction")]
    [InlineData(-1.0, 0.5, "duration")]
    public void Invalid_faults_are_refused_naming_the_field(double durationSeconds, double fraction, string field)
    {
        var faults = new FaultSet(new FakeTimeProvider());
        var f = new Fault { Drop = new DropFault { Fraction = fraction }, Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(durationSeconds == 0 ? 1 : durationSeconds)) };
        var error = Assert.Throws<ArgumentException>(() => faults.Add([f]));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, faults.ActiveCount);
    }

    [Theory]
    [InlineData(604_800, 0, true)]
    [InlineData(-604_800, 0, true)]
    [InlineData(604_799, 999_999_999, true)]
    [InlineData(604_800, 1, false)]
    [InlineData(-604_800, -1, false)]
    [InlineData(100_000_000_000, 0, false)]
    [InlineData(long.MinValue, 0, false)]
    [InlineData(5, -1, false)]
    public void A_clock_skew_offset_is_bounded_by_seven_days_either_way(long seconds, int nanos, bool accepted)
    {
        var faults = new FaultSet(new FakeTimeProvider());
        var skew = new Fault { ClockSkew = new ClockSkewFault { Skew = new Duration { Seconds = seconds, Nanos = nanos } }, Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) };
        if (accepted)
        {
            Assert.Single(faults.Add([skew]));
            return;
        }

        var refused = Assert.Throws<ArgumentException>(() => faults.Add([new Fault { Drop = new DropFault { Fraction = 0.5 }, Duration = skew.Duration }, skew]));
        Assert.Contains("faults[1].clock_skew.skew", refused.Message, StringComparison.Ordinal);
        Assert.Contains(FaultLimits.MaxClockSkewSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, faults.ActiveCount);
    }
}

namespace Raftex.Exchange.Tests;

/// <summary>The leader's stamping clock: log time follows the monotonic clock from the anchor; wall-clock steps never move it.</summary>
public sealed class StampingClockTests
{
    private const long Year = 365L * 24 * 3600 * 1000;

    [Fact]
    public void Stamps_are_the_anchor_plus_monotonic_time_elapsed_whatever_the_wall_clock_says()
    {
        var clock = new StampingClock();
        clock.Anchor(lastLogTime: 1_000_000, monotonicMs: 50, wallMs: 1_000_000 + (10 * Year));
        Assert.Equal(1_000_000, clock.Stamp(50));
        Assert.Equal(1_000_250, clock.Stamp(300));
        Assert.Equal(1_000_250, clock.Stamp(300));
        Assert.Equal(1_003_300, clock.Stamp(3_350));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(3_600_000L)]
    [InlineData(-3_600_000L)]
    [InlineData(100 * Year)]
    [InlineData(-100 * Year)]
    public void A_wall_clock_step_of_any_size_in_either_direction_does_not_move_log_time(long step)
    {
        var steady = new StampingClock();
        var stepped = new StampingClock();
        steady.Anchor(5_000, 0, 5_000);
        stepped.Anchor(5_000, 0, 5_000 + step);
        for (var t = 0L; t < 10_000; t += 777)
        {
            Assert.Equal(steady.Stamp(t), stepped.Stamp(t));
            Assert.Equal(5_000 + t, stepped.Last);
        }
    }

    [Fact]
    public void The_wall_clock_starts_log_time_only_when_the_log_holds_no_stamp()
    {
        var clock = new StampingClock();
        clock.Anchor(lastLogTime: 0, monotonicMs: 10, wallMs: 1_700_000_000_000);
        Assert.Equal(1_700_000_000_000, clock.Stamp(10));
        Assert.Equal(1_700_000_000_005, clock.Stamp(15));

        var beforeEpoch = new StampingClock();
        beforeEpoch.Anchor(lastLogTime: 0, monotonicMs: 0, wallMs: -Year);
        Assert.Equal(0, beforeEpoch.Stamp(0));
    }

    [Fact]
    public void Stamps_never_go_back_even_if_the_monotonic_source_does()
    {
        var clock = new StampingClock();
        clock.Anchor(100, 1_000, 0);
        Assert.Equal(600, clock.Stamp(1_500));
        Assert.Equal(600, clock.Stamp(1_200));
        Assert.Equal(600, clock.Stamp(-Year));
        Assert.Equal(700, clock.Stamp(1_600));
    }

    [Fact]
    public void A_new_term_re_anchors_so_time_between_leaders_is_not_counted()
    {
        var clock = new StampingClock();
        clock.Anchor(100, 0, 0);
        Assert.Equal(1_100, clock.Stamp(1_000));
        // Elected again after a long gap: the anchor is the last stamp in the log, so the gap adds nothing.
        clock.Anchor(1_100, 1_000_000, 0);
        Assert.Equal(1_100, clock.Stamp(1_000_000));
        Assert.Equal(1_150, clock.Stamp(1_000_050));
    }

    [Fact]
    public void Stamps_saturate_instead_of_overflowing_and_a_negative_anchor_is_refused()
    {
        var clock = new StampingClock();
        clock.Anchor(long.MaxValue - 10, 0, 0);
        Assert.Equal(long.MaxValue, clock.Stamp(Year));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Anchor(-1, 0, 0));
    }
}

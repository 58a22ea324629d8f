namespace Raftex.Simulation.Tests;

/// <summary>The discrete-event agenda orders by time, then by insertion, and never goes back in time.</summary>
public sealed class EventQueueTests
{
    [Fact]
    public void Events_come_out_by_time_then_in_insertion_order()
    {
        var queue = new EventQueue<string>();
        queue.At(30, "c");
        queue.At(10, "a1");
        queue.At(20, "b");
        queue.At(10, "a2");

        var order = new List<string>();
        while (queue.TryTake(100, out var item))
        {
            order.Add(item);
        }

        Assert.Equal(["a1", "a2", "b", "c"], order);
        Assert.Equal(30, queue.Now);
    }

    [Fact]
    public void Events_after_the_limit_stay_queued()
    {
        var queue = new EventQueue<int>();
        queue.At(5, 1);
        queue.At(50, 2);

        Assert.True(queue.TryTake(10, out _));
        Assert.False(queue.TryTake(10, out _));
        Assert.Equal(1, queue.Count);
        Assert.Equal(5, queue.Now);
    }

    [Fact]
    public void Scheduling_in_the_past_is_refused()
    {
        var queue = new EventQueue<int>();
        queue.At(100, 1);
        queue.TryTake(100, out _);

        Assert.Throws<ArgumentOutOfRangeException>(() => queue.At(99, 2));
    }
}

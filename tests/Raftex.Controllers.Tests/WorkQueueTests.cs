using Microsoft.Extensions.Time.Testing;

namespace Raftex.Controllers.Tests;

public sealed class WorkQueueTests
{
    private static WorkQueue<string> NewQueue(TimeProvider? time = null) =>
        new(new KeyedBackoff<string>(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)), time);

    [Fact]
    public async Task A_key_added_twice_while_waiting_is_handed_out_once()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal(2, queue.Depth);
        var first = await queue.TryTakeAsync(CancellationToken.None);
        var second = await queue.TryTakeAsync(CancellationToken.None);
        Assert.Equal(("a", "b"), (first.Key, second.Key));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_to_a_second_worker_until_done()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var taken = await queue.TryTakeAsync(CancellationToken.None);
        queue.Add("a");

        Assert.Equal(0, queue.Depth);
        var second = queue.TryTakeAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);

        queue.Done(taken.Key);
        var again = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("a", again.Key);
    }

    [Fact]
    public async Task A_key_not_re_added_while_processing_does_not_come_back_after_done()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var taken = await queue.TryTakeAsync(CancellationToken.None);
        queue.Done(taken.Key);

        Assert.Equal(0, queue.Depth);
        using var cts = new CancellationTokenSource();
        var next = queue.TryTakeAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    [Fact]
    public async Task Many_workers_never_process_the_same_key_at_the_same_time()
    {
        using var queue = NewQueue();
        var inFlight = new HashSet<string>();
        var violations = 0;
        var processed = 0;
        var gate = new Lock();
        using var cts = new CancellationTokenSource();

        async Task Worker()
        {
            while (true)
            {
                var (ok, key) = await queue.TryTakeAsync(cts.Token);
                if (!ok)
                {
                    return;
                }

                lock (gate)
                {
                    if (!inFlight.Add(key))
                    {
                        violations++;
                    }
                }

                await Task.Yield();
                lock (gate)
                {
                    inFlight.Remove(key);
                    processed++;
                }

                queue.Done(key);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToArray();
        for (var i = 0; i < 5000; i++)
        {
            queue.Add($"k{i % 5}");
            if (i % 50 == 0)
            {
                await Task.Yield();
            }
        }

        await Poll.UntilAsync(() => queue.Depth == 0 && Volatile.Read(ref processed) > 0, "the queue drains");
        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, violations);
        Assert.True(processed >= 5);
    }

    [Fact]
    public void Back_off_doubles_per_failure_up_to_the_cap_and_resets_on_forget()
    {
        var backoff = new KeyedBackoff<string>(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000));

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.When("a").TotalMilliseconds).ToArray();
        Assert.Equal([100, 200, 400, 800, 1000, 1000], delays);
        Assert.Equal(100, backoff.When("b").TotalMilliseconds);
        Assert.Equal(6, backoff.Failures("a"));

        backoff.Forget("a");
        Assert.Equal(0, backoff.Failures("a"));
        Assert.Equal(100, backoff.When("a").TotalMilliseconds);
    }

    [Fact]
    public void Back_off_saturates_instead_of_overflowing_after_many_failures()
    {
        var backoff = new KeyedBackoff<string>(TimeSpan.FromDays(1), TimeSpan.FromDays(7));
        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(backoff.When("a"), TimeSpan.FromDays(1), TimeSpan.FromDays(7));
        }
    }

    [Fact]
    public async Task Rate_limited_add_waits_for_the_key_back_off_on_the_clock()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);

        queue.AddRateLimited("a");
        queue.AddRateLimited("b");
        queue.AddRateLimited("b"); // second failure of b: 200 ms, but the earlier 100 ms schedule wins
        Assert.Equal(0, queue.Depth);

        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(0, queue.Depth);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, queue.Depth);
        Assert.Equal(2, queue.Backoff.Failures("b"));
        var taken = await queue.TryTakeAsync(CancellationToken.None);
        Assert.Equal("a", taken.Key);
    }

    [Fact]
    public void Add_after_runs_the_key_when_its_delay_passes_and_an_earlier_schedule_wins()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        queue.AddAfter("a", TimeSpan.FromSeconds(5));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, queue.Depth);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Depth);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, queue.Depth);
    }

    [Fact]
    public async Task Shut_down_releases_idle_workers_and_cancels_pending_schedules()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);
        var waiting = queue.TryTakeAsync(CancellationToken.None);
        queue.AddAfter("later", TimeSpan.FromSeconds(1));

        queue.ShutDown();
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(result.Ok);

        time.Advance(TimeSpan.FromSeconds(5));
        queue.Add("after-shutdown");
        Assert.Equal(0, queue.Depth);
        Assert.True(queue.IsShuttingDown);
    }

    [Fact]
    public async Task Shut_down_still_hands_out_keys_already_queued()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.ShutDown();

        var first = await queue.TryTakeAsync(CancellationToken.None);
        var second = await queue.TryTakeAsync(CancellationToken.None);
        Assert.Equal((true, "a"), first);
        Assert.False(second.Ok);
    }

    [Fact]
    public void Done_for_a_key_that_is_not_processing_is_an_error()
    {
        using var queue = NewQueue();
        var error = Assert.Throws<InvalidOperationException>(() => queue.Done("a"));
        Assert.Contains("not being processed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jittered_backoff_never_exceeds_the_cap_and_grows_until_reset()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), jitter: 0.5, new Random(7));
        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Next()).ToArray();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1)));
        Assert.InRange(delays[9], TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        backoff.Reset();
        Assert.InRange(backoff.Next(), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
    }
}

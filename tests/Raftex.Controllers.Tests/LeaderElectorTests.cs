using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Raftex.Controllers.Tests;

public sealed class LeaderElectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    /// <summary>One operator replica: an elector whose work records, in clock time, when it acted.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly FakeTimeProvider _time;
        private readonly FakeLeaseStore _store;
        private readonly Lock _lock = new();
        private Task? _run;
        private bool _acting;

        public Replica(string identity, FakeLeaseStore store, FakeTimeProvider time)
        {
            _time = time;
            _store = store;
            Elector = new LeaderElector(store.For(identity), new LeaderElectionOptions { Namespace = "raftex", LeaseName = "raftex-operator", Identity = identity }, time);
        }

        public LeaderElector Elector { get; }

        public string Identity => Elector.Identity;

        public List<(DateTimeOffset Start, DateTimeOffset? Stop)> Terms { get; } = [];

        public bool Acting
        {
            get
            {
                lock (_lock)
                {
                    return _acting;
                }
            }
        }

        public bool Started => _run is not null;

        public void Start() => _run = Elector.RunAsync(LeadAsync, _cts.Token);

        public async ValueTask DisposeAsync()
        {
            // Shutdown releases the lease; with a frozen clock a hung call would never time out.
            _store.Set(Identity, FakeLeaseStore.Reach.Healthy);
            await _cts.CancelAsync();
            if (_run is not null)
            {
                await _run.WaitAsync(TimeSpan.FromSeconds(10));
            }

            _cts.Dispose();
        }

        private async Task LeadAsync(CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                _acting = true;
                Terms.Add((_time.GetUtcNow(), null));
            }

            // Runs synchronously inside the cancel, i.e. at the clock instant leadership ends. Not disposed: a
            // disposed registration whose turn has not come yet would never run.
            cancellationToken.Register(Stop);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            finally
            {
                Stop();
            }
        }

        private void Stop()
        {
            lock (_lock)
            {
                if (_acting)
                {
                    _acting = false;
                    Terms[^1] = (Terms[^1].Start, _time.GetUtcNow());
                }
            }
        }
    }

    private sealed class Cluster(FakeLeaseStore store, FakeTimeProvider time, params Replica[] replicas)
    {
        public async Task SettleAsync()
        {
            var now = time.GetUtcNow();

            // Give the thread back to the pool at least once: continuations queued on this thread (a released
            // call, a timer's work) run only when it returns to the pool, and the check below may pass at once.
            await Task.Delay(1);
            try
            {
                await Poll.UntilAsync(
                    () => replicas.Where(r => r.Started).All(r =>
                        (r.Elector.ParkedUntil > now || store.HangingCalls(r.Identity) > 0) && r.Elector.IsLeader == r.Acting),
                    "every replica is waiting on the clock");
            }
            catch (TimeoutException e)
            {
                var state = string.Join("; ", replicas.Select(r => $"{r.Identity}: parked={r.Elector.ParkedUntil:O} hanging={store.HangingCalls(r.Identity)} leader={r.Elector.IsLeader} acting={r.Acting}"));
                throw new TimeoutException($"{e.Message} now={now:O} {state}", e);
            }
        }

        public async Task RunForAsync(TimeSpan span, Action? everyStep = null)
        {
            for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += Step)
            {
                time.Advance(Step);
                await SettleAsync();
                everyStep?.Invoke();
            }
        }
    }

    private static (FakeLeaseStore Store, FakeTimeProvider Time) World() => (new FakeLeaseStore(), new FakeTimeProvider(T0));

    [Fact]
    public async Task A_replica_acquires_a_missing_lease_and_starts_work()
    {
        var (store, time) = World();
        await using var a = new Replica("a", store, time);
        a.Start();
        await new Cluster(store, time, a).SettleAsync();

        var spec = store.Lease!.Spec;
        Assert.Equal(("a", 15, 0), (spec.HolderIdentity, spec.LeaseDurationSeconds!.Value, spec.LeaseTransitions!.Value));
        Assert.Equal(T0.UtcDateTime, spec.AcquireTime);
        Assert.Equal(T0.UtcDateTime, spec.RenewTime);
        Assert.True(a.Elector.IsLeader);
        Assert.True(a.Acting);
    }

    [Fact]
    public async Task The_leader_renews_every_retry_period_and_keeps_leading()
    {
        var (store, time) = World();
        await using var a = new Replica("a", store, time);
        a.Start();
        var cluster = new Cluster(store, time, a);
        await cluster.SettleAsync();

        await cluster.RunForAsync(TimeSpan.FromSeconds(60));

        var spec = store.Lease!.Spec;
        Assert.Equal(T0.AddSeconds(60).UtcDateTime, spec.RenewTime);
        Assert.Equal(T0.UtcDateTime, spec.AcquireTime);
        Assert.Equal(31, store.Writes);
        Assert.Single(a.Terms);
        Assert.True(a.Acting);
    }

    [Fact]
    public async Task Work_stops_the_moment_the_renew_deadline_passes_even_if_the_renew_call_hangs()
    {
        var (store, time) = World();
        await using var a = new Replica("a", store, time);
        a.Start();
        var cluster = new Cluster(store, time, a);
        await cluster.SettleAsync();
        await cluster.RunForAsync(TimeSpan.FromSeconds(4)); // last successful renew began at T0+4s

        store.Set("a", FakeLeaseStore.Reach.Hanging);
        await cluster.RunForAsync(TimeSpan.FromSeconds(9.75));
        Assert.True(a.Elector.IsLeader);
        Assert.True(a.Acting);

        await cluster.RunForAsync(Step);
        Assert.False(a.Elector.IsLeader);
        Assert.Equal(T0.AddSeconds(14), a.Terms.Single().Stop);
    }

    [Fact]
    public async Task Another_replica_takes_over_only_after_the_lease_expires_and_the_old_leader_stopped_first()
    {
        var (store, time) = World();
        await using var a = new Replica("a", store, time);
        await using var b = new Replica("b", store, time);
        var cluster = new Cluster(store, time, a, b);
        a.Start();
        await new Cluster(store, time, a).SettleAsync();
        b.Start();
        await cluster.SettleAsync();
        Assert.Equal("a", b.Elector.ObservedLeader);
        Assert.False(b.Acting);

        store.Set("a", FakeLeaseStore.Reach.Failing); // a's last write is its acquire at T0
        await cluster.RunForAsync(TimeSpan.FromSeconds(15.75));
        Assert.Equal(T0.AddSeconds(10), a.Terms.Single().Stop);
        Assert.False(b.Acting);

        await cluster.RunForAsync(Step);
        Assert.True(b.Acting);
        Assert.Equal(T0.AddSeconds(16), b.Terms.Single().Start);
        var spec = store.Lease!.Spec;
        Assert.Equal(("b", 1), (spec.HolderIdentity, spec.LeaseTransitions!.Value));
        Assert.Equal(T0.AddSeconds(16).UtcDateTime, spec.AcquireTime);

        // The old leader, reachable again, sees b holding the lease and stays a follower.
        store.Set("a", FakeLeaseStore.Reach.Healthy);
        await cluster.RunForAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("b", a.Elector.ObservedLeader);
        Assert.False(a.Acting);
        Assert.Single(b.Terms);
    }

    [Fact]
    public async Task Two_replicas_never_act_at_the_same_time_under_random_failures_and_hangs()
    {
        var (store, time) = World();
        var random = new Random(20261125);
        await using var a = new Replica("a", store, time);
        await using var b = new Replica("b", store, time);
        await using var c = new Replica("c", store, time);
        Replica[] replicas = [a, b, c];
        var cluster = new Cluster(store, time, replicas);
        foreach (var r in replicas)
        {
            r.Start();
            await cluster.SettleAsync();
        }

        // Every 12 s (longer than the renew deadline) each replica is healthy, refused, or hung at random.
        var steps = 0;
        await cluster.RunForAsync(TimeSpan.FromSeconds(300), () =>
        {
            Assert.True(replicas.Count(r => r.Acting) <= 1, $"two replicas act at once at {(time.GetUtcNow() - T0).TotalSeconds}: " + string.Join(" ", replicas.Select(r => $"{r.Identity}:{string.Join(",", r.Terms.Select(t => $"{(t.Start - T0).TotalSeconds}-{(t.Stop - T0)?.TotalSeconds}"))} leader={r.Elector.IsLeader}")));
            if (++steps % 48 != 0)
            {
                return;
            }

            foreach (var r in replicas)
            {
                var roll = random.NextDouble();
                store.Set(r.Identity, roll < 0.5 ? FakeLeaseStore.Reach.Healthy : roll < 0.75 ? FakeLeaseStore.Reach.Failing : FakeLeaseStore.Reach.Hanging);
            }
        });

        var terms = replicas.SelectMany(r => r.Terms).OrderBy(t => t.Start).ToList();
        for (var i = 1; i < terms.Count; i++)
        {
            Assert.True(terms[i - 1].Stop is { } stop && stop <= terms[i].Start, $"term {i - 1} ({terms[i - 1]}) overlaps term {i} ({terms[i]})");
        }

        Assert.True(replicas.Count(r => r.Terms.Count > 0) >= 2, "leadership never moved, so the test proved nothing: " + string.Join(" ", replicas.Select(r => $"{r.Identity}:{string.Join(",", r.Terms.Select(t => $"{(t.Start - T0).TotalSeconds}-{(t.Stop - T0)?.TotalSeconds}"))}")));
    }

    [Fact]
    public async Task A_leader_whose_work_ended_steps_down_so_another_replica_can_work()
    {
        var (store, time) = World();
        var elector = new LeaderElector(store.For("a"), new LeaderElectionOptions { Namespace = "raftex", LeaseName = "raftex-operator", Identity = "a" }, time);
        var changes = new List<bool>();
        elector.LeadershipChanged += leading =>
        {
            lock (changes)
            {
                changes.Add(leading);
            }
        };
        using var cts = new CancellationTokenSource();
        var run = elector.RunAsync(_ => throw new InvalidOperationException("controller crashed"), cts.Token);
        await Poll.UntilAsync(() => elector.ParkedUntil > time.GetUtcNow(), "the elector waits for its first renew");

        bool SteppedDown()
        {
            lock (changes)
            {
                return changes.Count >= 2;
            }
        }

        // The crashed work completes on the thread pool; renews every 2 s notice it at the first one after.
        for (var i = 0; i < 5 && !SteppedDown(); i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await Poll.UntilAsync(() => SteppedDown() || elector.ParkedUntil > time.GetUtcNow(), "the elector renews or steps down");
        }

        Assert.Equal([true, false], changes.Take(2));

        // It hands the lease over (released, not left to expire) and stays out of the race for a lease duration.
        await Poll.UntilAsync(() => store.Lease!.Spec.HolderIdentity is null && elector.ParkedUntil > time.GetUtcNow(), "the lease is released");
        var parkedUntil = elector.ParkedUntil!.Value;
        Assert.Equal(TimeSpan.FromSeconds(15), parkedUntil - time.GetUtcNow());
        Assert.Equal(1, store.Lease!.Spec.LeaseDurationSeconds);
        Assert.False(elector.IsLeader);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(15, 15, 2, "LeaseDuration")]
    [InlineData(15, 10, 10, "RenewDeadline")]
    [InlineData(15.5, 10, 2, "whole seconds")]
    public void Unsafe_timings_are_rejected(double lease, double renew, double retry, string expected)
    {
        var options = new LeaderElectionOptions
        {
            Namespace = "raftex",
            LeaseName = "l",
            LeaseDuration = TimeSpan.FromSeconds(lease),
            RenewDeadline = TimeSpan.FromSeconds(renew),
            RetryPeriod = TimeSpan.FromSeconds(retry),
        };
        var error = Assert.Throws<ArgumentException>(() => new LeaderElector(new FakeLeaseStore().For("x"), options));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

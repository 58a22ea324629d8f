using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Raftex.Bench.Cluster;
using Raftex.Client;
using Raftex.Protocol.V1;

// make bench-cluster: a 3-node Raftex cluster and a 3-member etcd cluster on loopback, fsync on, 256 outstanding requests each;
// then 20 leader kills under load. Bounded run time: BENCH_SECONDS per steady phase (default 15).
var seconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 15;
var kills = int.TryParse(Environment.GetEnvironmentVariable("BENCH_KILLS"), NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : 20;
const int Outstanding = 256;
const int Sessions = 8;
const int AccountsPerSession = 8;
var inv = CultureInfo.InvariantCulture;

var binary = NodeBinary.Path;
using var cluster = new RaftexCluster(binary);
cluster.StartAll();
await cluster.LeaderAsync(TimeSpan.FromSeconds(60));
Console.WriteLine($"raftex: 3 nodes up ({binary})");

var sessionMixes = Enumerable.Range(0, Sessions * AccountsPerSession).Select(i => new OrderMix((ulong)(1 + i), i)).ToArray();
var unaryMixes = Enumerable.Range(0, Outstanding).Select(i => new OrderMix((ulong)(10_000 + i), 10_000 + i)).ToArray();
await FundAsync(cluster.ClientAddresses, sessionMixes.Concat(unaryMixes).Select(m => m.Account));

// --- sessions: a few streams sharing 256 outstanding orders ---
var termBefore = await cluster.TermAsync();
await RunSessionsAsync(TimeSpan.FromSeconds(3), null);
var sessions = new Latencies();
var sessionElapsed = await RunSessionsAsync(TimeSpan.FromSeconds(seconds), sessions);
var termAfterSessions = await cluster.TermAsync();
Console.WriteLine("raftex leader metrics after sessions: " + await cluster.LeaderMetricsAsync(await cluster.LeaderAsync(TimeSpan.FromSeconds(10))));
var sessionRate = sessions.Count / sessionElapsed.TotalSeconds;
Console.WriteLine(string.Format(inv, "raftex sessions: {0} sessions, {1} outstanding: {2:F0} orders/s, p50 {3:F2} ms, p99 {4:F2} ms, p99.9 {5:F2} ms, errors {6}",
    Sessions, Outstanding, sessionRate, sessions.Percentile(0.5), sessions.Percentile(0.99), sessions.Percentile(0.999), sessions.Errors));

// --- unary: 256 concurrent callers spread over all three members ---
await RunUnaryAsync(TimeSpan.FromSeconds(3), null);
var unary = new Latencies();
var unaryElapsed = await RunUnaryAsync(TimeSpan.FromSeconds(seconds), unary);
var termAfterUnary = await cluster.TermAsync();
var unaryRate = unary.Count / unaryElapsed.TotalSeconds;
Console.WriteLine(string.Format(inv, "raftex unary: {0} callers over 3 members: {1:F0} orders/s, p50 {2:F2} ms, p99 {3:F2} ms, p99.9 {4:F2} ms, errors {5}",
    Outstanding, unaryRate, unary.Percentile(0.5), unary.Percentile(0.99), unary.Percentile(0.999), unary.Errors));
var leaderChanges = (long)(termAfterSessions - termBefore) + (long)(termAfterUnary - termAfterSessions);
Console.WriteLine($"raftex leader changes during steady load: {leaderChanges}");

// --- failover: SIGKILL the leader under load, time to the first commit by the new leader ---
var failovers = await FailoverAsync(kills);
if (failovers.Count > 0)
{
    failovers.Sort();
    Console.WriteLine(string.Format(inv, "raftex failover ({0} leader kills under load): first commit by the new leader p50 {1:F0} ms, max {2:F0} ms",
        failovers.Count, failovers[failovers.Count / 2], failovers[^1]));
}

cluster.Dispose();

// --- etcd: 256 callers, one put at a time each, over 64 HTTP/2 connections spread over the members ---
double etcdRate = double.NaN, etcdP99 = double.NaN;
var etcdPath = EtcdCluster.Ensure();
if (etcdPath is null)
{
    Console.WriteLine("etcd: not available (install of etcd-server failed); etcd figures are NaN");
}
else
{
    using var etcd = new EtcdCluster();
    etcd.Start(etcdPath);
    var channels = Enumerable.Range(0, 64).Select(i => GrpcChannel.ForAddress(etcd.ClientUrls[i % 3])).ToArray();
    await WaitEtcdAsync(channels[0], etcd);
    await RunEtcdAsync(channels, TimeSpan.FromSeconds(3), null);
    var puts = new Latencies();
    var etcdElapsed = await RunEtcdAsync(channels, TimeSpan.FromSeconds(seconds), puts);
    etcdRate = puts.Count / etcdElapsed.TotalSeconds;
    etcdP99 = puts.Percentile(0.99);
    Console.WriteLine(string.Format(inv, "etcd: {0} callers over 64 connections: {1:F0} puts/s, p50 {2:F2} ms, p99 {3:F2} ms, p99.9 {4:F2} ms, errors {5}",
        Outstanding, etcdRate, puts.Percentile(0.5), etcdP99, puts.Percentile(0.999), puts.Errors));
    foreach (var c in channels)
    {
        c.Dispose();
    }
}

Console.WriteLine(string.Format(inv,
    "cluster: orders_per_sec={0:F0} p99_ms={1:F2} unary_orders_per_sec={2:F0} unary_p99_ms={3:F2} etcd_puts_per_sec={4:F0} etcd_p99_ms={5:F2} ratio={6:F2} leader_changes={7}",
    sessionRate, sessions.Percentile(0.99), unaryRate, unary.Percentile(0.99), etcdRate, etcdP99, sessionRate / etcdRate, leaderChanges));
return 0;

async Task<TimeSpan> RunSessionsAsync(TimeSpan duration, Latencies? record)
{
    using var stop = new CancellationTokenSource(duration);
    var started = Stopwatch.GetTimestamp();
    var tasks = new List<Task>();
    for (var i = 0; i < Sessions; i++)
    {
        var mixes = sessionMixes.Skip(i * AccountsPerSession).Take(AccountsPerSession).ToArray();
        // Sessions connect to any member and follow the redirect to the leader.
        var options = new ExchangeClientOptions { Addresses = [cluster.ClientAddress(1 + (i % 3))] };
        tasks.Add(Task.Run(async () =>
        {
            await using var session = new OrderSessionClient(options);
            await session.OpenAsync();
            var workers = Enumerable.Range(0, Outstanding / Sessions).Select(w => Task.Run(async () =>
            {
                var mix = mixes[w % mixes.Length];
                while (!stop.IsCancellationRequested)
                {
                    var command = mix.Next();
                    var t0 = Stopwatch.GetTimestamp();
                    var report = await session.SendAsync(command);
                    if (report.ErrorCode != 0)
                    {
                        record?.Error();
                        continue;
                    }

                    record?.Add(t0);
                    mix.Learn(command, report.Reply);
                }
            }));
            await Task.WhenAll(workers);
        }));
    }

    await Task.WhenAll(tasks);
    return Stopwatch.GetElapsedTime(started);
}

async Task<TimeSpan> RunUnaryAsync(TimeSpan duration, Latencies? record)
{
    using var stop = new CancellationTokenSource(duration);
    var clients = Enumerable.Range(1, 3)
        .Select(id => new ExchangeClient(new ExchangeClientOptions { Addresses = [cluster.ClientAddress(id)], ConnectionsPerNode = 21 }))
        .ToArray();
    var started = Stopwatch.GetTimestamp();
    var callers = Enumerable.Range(0, Outstanding).Select(i => Task.Run(async () =>
    {
        var client = clients[i % 3];
        var mix = unaryMixes[i];
        while (!stop.IsCancellationRequested)
        {
            var command = mix.Next();
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                var reply = command.CommandCase switch
                {
                    SessionCommand.CommandOneofCase.Submit => await client.SubmitOrderAsync(command.Submit),
                    SessionCommand.CommandOneofCase.Cancel => await client.CancelOrderAsync(command.Cancel),
                    _ => await client.ReplaceOrderAsync(command.Replace),
                };
                record?.Add(t0);
                mix.Learn(command, reply);
            }
            catch (RpcException)
            {
                record?.Error();
            }
        }
    })).ToArray();
    await Task.WhenAll(callers);
    var elapsed = Stopwatch.GetElapsedTime(started);
    foreach (var c in clients)
    {
        c.Dispose();
    }

    return elapsed;
}

async Task<List<double>> FailoverAsync(int count)
{
    var times = new List<double>();
    for (var n = 0; n < count; n++)
    {
        var leader = await cluster.LeaderAsync(TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            using var client = new ExchangeClient(new ExchangeClientOptions { Addresses = cluster.ClientAddresses, AttemptTimeout = TimeSpan.FromMilliseconds(500) });
            var mix = unaryMixes[n];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var command = mix.Next();
                    if (command.CommandCase == SessionCommand.CommandOneofCase.Submit)
                    {
                        mix.Learn(command, await client.SubmitOrderAsync(command.Submit, stop.Token));
                    }
                }
                catch (Exception ex) when (ex is RpcException or OperationCanceledException)
                {
                }
            }
        });
        await Task.Delay(300);
        var survivors = Enumerable.Range(1, 3).Where(id => id != leader).ToArray();
        using var probe = new ExchangeClient(new ExchangeClientOptions
        {
            Addresses = [.. survivors.Select(cluster.ClientAddress)],
            AttemptTimeout = TimeSpan.FromMilliseconds(200),
            Backoff = TimeSpan.FromMilliseconds(5),
            RetryBudget = TimeSpan.FromSeconds(30),
        });
        var killed = Stopwatch.GetTimestamp();
        cluster.Kill(leader);
        try
        {
            await probe.DepositAsync(new TransferRequest { Account = 99_999, TransactionId = (ulong)(1 + n), Asset = "USD", Amount = 1 });
            times.Add(Stopwatch.GetElapsedTime(killed).TotalMilliseconds);
        }
        catch (RpcException ex)
        {
            Console.WriteLine($"failover {n}: no commit within the retry budget: {ex.Status.Detail}");
        }

        await stop.CancelAsync();
        await load;
        cluster.Start(leader);
        await cluster.WaitCaughtUpAsync(leader, TimeSpan.FromSeconds(60));
    }

    return times;
}

async Task<TimeSpan> RunEtcdAsync(GrpcChannel[] channels, TimeSpan duration, Latencies? record)
{
    using var stop = new CancellationTokenSource(duration);
    var value = ByteString.CopyFrom(new byte[66]);
    var started = Stopwatch.GetTimestamp();
    var callers = Enumerable.Range(0, Outstanding).Select(i => Task.Run(async () =>
    {
        var kv = new Raftex.Bench.Cluster.Etcd.KV.KVClient(channels[i % channels.Length]);
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                await kv.PutAsync(new Raftex.Bench.Cluster.Etcd.PutRequest { Key = ByteString.CopyFromUtf8($"k{i}-{n++ % 1000}"), Value = value });
                record?.Add(t0);
            }
            catch (RpcException)
            {
                record?.Error();
            }
        }
    })).ToArray();
    await Task.WhenAll(callers);
    return Stopwatch.GetElapsedTime(started);
}

async Task WaitEtcdAsync(GrpcChannel channel, EtcdCluster etcd)
{
    var kv = new Raftex.Bench.Cluster.Etcd.KV.KVClient(channel);
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (true)
    {
        try
        {
            await kv.PutAsync(new Raftex.Bench.Cluster.Etcd.PutRequest { Key = ByteString.CopyFromUtf8("ready"), Value = ByteString.Empty }, deadline: DateTime.UtcNow.AddSeconds(2));
            return;
        }
        catch (RpcException) when (DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        catch (RpcException)
        {
            throw new TimeoutException("etcd did not come up:\n" + etcd.Tail);
        }
    }
}

static async Task FundAsync(IReadOnlyList<string> addresses, IEnumerable<ulong> accounts)
{
    using var client = new ExchangeClient(new ExchangeClientOptions { Addresses = addresses });
    await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (account, ct) =>
    {
        await client.DepositAsync(new TransferRequest { Account = account, TransactionId = 1, Asset = "USD", Amount = 1_000_000_000_000_000 }, ct);
        await client.DepositAsync(new TransferRequest { Account = account, TransactionId = 2, Asset = "BTC", Amount = 1_000_000_000_000 }, ct);
    });
}

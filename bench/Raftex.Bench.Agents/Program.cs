using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Raftex.Agents;
using Raftex.Bench.Cluster;

// How many agents one raftex-agents process sustains: a 3-node cluster on loopback (fsync on), then runs of growing
// fleets of noise traders at a fixed per-agent order rate. A level is sustained when the fleet sends at least 90% of
// the orders it offers with a p99 under a second. Bounded: each level trades for --seconds (default 15).
var levels = new[] { 1_000, 5_000, 10_000, 20_000 };
var seconds = 15;
var rate = 1.0;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--levels" when i + 1 < args.Length:
            levels = [.. args[++i].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))];
            break;
        case "--seconds" when i + 1 < args.Length:
            seconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--rate" when i + 1 < args.Length:
            rate = double.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine("usage: Raftex.Bench.Agents [--levels 1000,5000,...] [--seconds N] [--rate ORDERS_PER_AGENT_PER_S]");
            return 2;
    }
}

using var cluster = new RaftexCluster(NodeBinary.Path);
cluster.StartAll();
await cluster.LeaderAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"cluster: 3 nodes up on loopback; each level trades {seconds} s at {rate.ToString(CultureInfo.InvariantCulture)} orders/s per agent");
Console.WriteLine("| agents | offered orders/s | sent orders/s | p50 ms | p99 ms | errors | heap MB | peak working set MB | sustained |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");

var best = (Agents: 0, Rate: 0.0, P99: 0.0, Heap: 0.0, WorkingSet: 0.0);
var accountBase = 10_000_000UL;
foreach (var agents in levels)
{
    var options = AgentOptions.Parse(
    [
        "--cluster", string.Join(',', cluster.ClientAddresses), "--strategy", $"noise={agents.ToString(CultureInfo.InvariantCulture)}:maxOpen=2",
        "--rate", rate.ToString(CultureInfo.InvariantCulture), "--duration", $"{seconds.ToString(CultureInfo.InvariantCulture)}s",
        "--account-base", accountBase.ToString(CultureInfo.InvariantCulture), "--sessions", "8", "--metrics-port", "0", "--progress", "off",
    ], _ => null);
    accountBase += (ulong)agents;
    using var meter = new Meter("bench-" + agents.ToString(CultureInfo.InvariantCulture));
    await using var fleet = new Fleet(options, meter);
    using var sampling = new CancellationTokenSource();
    var peak = SampleWorkingSetAsync(sampling.Token);
    var summary = await fleet.RunAsync(CancellationToken.None);
    await sampling.CancelAsync();
    var workingSet = await peak / 1e6;
    var offered = agents * rate;
    var sustained = summary.OrdersPerSecond >= 0.9 * offered && summary.LatencyP99Ms < 1_000;
    var heap = summary.HeapBytes / 1e6;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {agents} | {offered:F0} | {summary.OrdersPerSecond:F0} | {summary.LatencyP50Ms:F1} | {summary.LatencyP99Ms:F1} | {summary.Errors} | {heap:F0} | {workingSet:F0} | {(sustained ? "yes" : "no")} |"));
    if (sustained)
    {
        best = (agents, summary.OrdersPerSecond, summary.LatencyP99Ms, heap, workingSet);
    }
}

Console.WriteLine(best.Agents > 0
    ? string.Create(CultureInfo.InvariantCulture, $"bench-agents: one process sustains {best.Agents} agents at {best.Rate:F0} orders/s (p99 {best.P99:F1} ms), heap {best.Heap:F0} MB, peak working set {best.WorkingSet:F0} MB")
    : "bench-agents: no level was sustained");
return 0;

// The benchmark process's peak resident memory while a level runs (the cluster's nodes are other processes).
static async Task<long> SampleWorkingSetAsync(CancellationToken ct)
{
    long peak = 0;
    using var self = Process.GetCurrentProcess();
    try
    {
        while (!ct.IsCancellationRequested)
        {
            self.Refresh();
            peak = Math.Max(peak, self.WorkingSet64);
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }
    catch (OperationCanceledException)
    {
        // The level ended.
    }

    return peak;
}

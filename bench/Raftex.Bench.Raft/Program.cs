using System.Diagnostics;
using System.Globalization;
using Raftex.Simulation;

namespace Raftex.Bench.Raft;

/// <summary>
/// Commits per second of a 3-node in-memory cluster of the real RaftNode, driven by the simulator (no disk latency,
/// no faults, a closed-loop client keeping many 256-byte proposals pending), measured in wall time (and in CPU time,
/// which stays meaningful when other processes share the cores). The simulator's safety checks stay on.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var seconds = args.Length > 0 && double.TryParse(args[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 3.0;
        var windows = new[] { 64, 256, 1024 };

        // Warm up the JIT so the first measured window is not penalised.
        Measure(256, 1.0);
        var results = windows.Select(w => Measure(w, seconds)).ToList();
        foreach (var r in results)
        {
            Console.WriteLine(r.Line);
        }

        var best = results.MaxBy(r => r.CommitsPerSecond)!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"raft-sim: commits_per_sec={best.CommitsPerSecond:0} avg_entries_per_append={best.EntriesPerAppend:0.0} window={best.Window} " +
            $"commits_per_cpu_sec={best.CommitsPerCpuSecond:0} " +
            $"commits={best.Commits} wall_s={best.WallSeconds:0.00} violations={best.Violations} payload_bytes=256 nodes=3"));
        return results.Any(r => r.Violations > 0) ? 1 : 0;
    }

    private static Measurement Measure(int window, double seconds)
    {
        var options = new SimulationOptions
        {
            Seed = 1,
            Nodes = 3,
            Mix = FaultMix.Calm,
            InjectFaults = false,
            ChaosUs = long.MaxValue / 4,
            MaxDrift = 0,
            PayloadBytes = 256,
            ClientWindow = window,
            ProposalGapUs = 20,
            MinFsyncUs = 0,
            MaxFsyncUs = 0,
            FsyncStallRate = 0,
            SnapshotEvery = 20_000,
            KeepBehindSnapshot = 1_000,
            SnapshotChunkBytes = 64 * 1024,

            // The core's defaults, not the simulator's deliberately small ones.
            MaxSizePerMessage = 1024 * 1024,
            MaxInflightMessages = 256,
            Network = new LinkProfile(50, 0, 0, 0, 0),

            // A benchmark run is meant to be long: the message-storm guard sized for fault runs does not apply.
            MaxEvents = long.MaxValue,
            WallBudget = TimeSpan.FromHours(1),
        };
        var cluster = new SimCluster(options);

        // Elect a leader first (outside the measurement), then run simulated time in slices until the wall budget is spent.
        var warmup = 0L;
        while (!cluster.Nodes.Values.Any(n => n.IsLeader) && warmup < 5_000_000)
        {
            warmup += 10_000;
            cluster.RunUntil(warmup);
        }

        var committedBefore = cluster.Checker.AcknowledgedCount;
        var appendsBefore = cluster.Stats.Appends;
        var entriesBefore = cluster.Stats.AppendedEntries;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var simulated = cluster.Now;
        while (watch.Elapsed.TotalSeconds < seconds && !cluster.Checker.Failed)
        {
            simulated += 1_000;
            cluster.RunUntil(simulated);
        }

        watch.Stop();
        process.Refresh();
        foreach (var violation in cluster.Checker.Violations)
        {
            Console.Error.WriteLine($"window={window}: {violation}");
        }

        var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var commits = cluster.Checker.AcknowledgedCount - committedBefore;
        var appends = cluster.Stats.Appends - appendsBefore;
        var entries = cluster.Stats.AppendedEntries - entriesBefore;
        var perSecond = commits / watch.Elapsed.TotalSeconds;
        var perAppend = appends == 0 ? 0 : (double)entries / appends;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"window={window}: commits={commits} wall_s={watch.Elapsed.TotalSeconds:0.00} commits_per_sec={perSecond:0} " +
            $"commits_per_cpu_sec={commits / Math.Max(cpuSeconds, 1e-3):0} avg_entries_per_append={perAppend:0.0} simulated_ms={(simulated - warmup) / 1000} violations={cluster.Checker.Violations.Count}");
        return new Measurement(window, commits, watch.Elapsed.TotalSeconds, perSecond, commits / Math.Max(cpuSeconds, 1e-3), perAppend, cluster.Checker.Violations.Count, line);
    }

    private sealed record Measurement(
        int Window, long Commits, double WallSeconds, double CommitsPerSecond, double CommitsPerCpuSecond, double EntriesPerAppend, int Violations, string Line);
}

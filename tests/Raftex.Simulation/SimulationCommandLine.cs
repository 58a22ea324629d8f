using System.Diagnostics;
using System.Globalization;

namespace Raftex.Simulation;

/// <summary>
/// The simulator's command line: <c>--seeds N [--start S] [--nodes 3|5|7] [--jobs J]</c> runs many seeds;
/// <c>--seed S [--nodes N] [--mix M] [--chaos-ms T] [--without ids] [--trace]</c> replays one exactly.
/// </summary>
public static class SimulationCommandLine
{
    private const string Usage =
        "usage: --seeds N [--start S] [--nodes 3|5|7] [--jobs J] [--fail-fast]\n" +
        "       --seed S [--nodes 3|5|7] [--mix Calm|Network|Partitions|Crashes|Membership|Everything|Adversarial] [--chaos-ms T] [--without id,id] [--script KIND] [--trace]";

    /// <summary>Runs the command line; returns the process exit code (1 when any seed violates a property).</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        Dictionary<string, string?> flags;
        try
        {
            flags = Parse(args);
        }
        catch (ArgumentException ex)
        {
            output.WriteLine($"error: {ex.Message}\n{Usage}");
            return 2;
        }

        try
        {
            return flags.ContainsKey("--seed") ? Replay(flags, output) : Sweep(flags, output);
        }
        catch (ArgumentException ex)
        {
            output.WriteLine($"error: {ex.Message}\n{Usage}");
            return 2;
        }
    }

    private static Dictionary<string, string?> Parse(string[] args)
    {
        var known = new HashSet<string> { "--seeds", "--start", "--nodes", "--jobs", "--seed", "--mix", "--chaos-ms", "--without", "--trace", "--fail-fast", "--script" };
        var flags = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!known.Contains(name))
            {
                throw new ArgumentException($"unknown argument '{name}'");
            }

            if (name is "--trace" or "--fail-fast")
            {
                flags[name] = null;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            flags[name] = args[++i];
        }

        return flags;
    }

    private static long Number(Dictionary<string, string?> flags, string name, long fallback, long min, long max)
    {
        if (!flags.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{name} must be an integer in [{min}, {max}], got '{text}'");
        }

        return value;
    }

    private static int? Nodes(Dictionary<string, string?> flags)
    {
        if (!flags.ContainsKey("--nodes"))
        {
            return null;
        }

        var n = (int)Number(flags, "--nodes", 3, 3, 7);
        return n is 3 or 5 or 7 ? n : throw new ArgumentException($"--nodes must be 3, 5 or 7, got {n}");
    }

    private static int Replay(Dictionary<string, string?> flags, TextWriter output)
    {
        var seed = Number(flags, "--seed", 0, long.MinValue, long.MaxValue);
        var options = SimulationOptions.ForSeed(seed, Nodes(flags)) with { Trace = flags.ContainsKey("--trace") };
        if (flags.TryGetValue("--mix", out var mixText))
        {
            if (!Enum.TryParse<FaultMix>(mixText, ignoreCase: true, out var mix) || !Enum.IsDefined(mix))
            {
                throw new ArgumentException($"--mix must be one of {string.Join(", ", Enum.GetNames<FaultMix>())}, got '{mixText}'");
            }

            options = options with { Mix = mix };
        }

        if (flags.TryGetValue("--script", out var scriptText))
        {
            if (!Enum.TryParse<FaultKind>(scriptText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || !FaultPlan.IsScripted(kind))
            {
                throw new ArgumentException($"--script must be one of {string.Join(", ", FaultPlan.Scripted)}, got '{scriptText}'");
            }

            options = options with { Script = FaultPlan.Script(kind, seed) };
        }

        options = options with { ChaosUs = Number(flags, "--chaos-ms", options.ChaosUs / 1000, 1, 3_600_000) * 1000 };
        if (flags.TryGetValue("--without", out var without) && !string.IsNullOrEmpty(without))
        {
            var ids = new SortedSet<int>();
            foreach (var part in without.Split(','))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) || id < 0)
                {
                    throw new ArgumentException($"--without takes fault ids like 1,4,7, got '{without}'");
                }

                ids.Add(id);
            }

            options = options with { WithoutFaults = ids };
        }

        var watch = Stopwatch.StartNew();
        var result = Simulator.Run(options);
        output.WriteLine($"seed {seed}: {options.Nodes} nodes, mix {options.Mix}, chaos {options.ChaosUs / 1000}ms, trace hash {result.TraceHash:x16}");
        foreach (var fault in result.Faults)
        {
            output.WriteLine($"  {(options.WithoutFaults.Contains(fault.Id) || fault.AtUs >= options.ChaosUs ? "(left out) " : string.Empty)}{fault}");
        }

        foreach (var line in result.Trace)
        {
            output.WriteLine(line);
        }

        foreach (var violation in result.Violations)
        {
            output.WriteLine($"VIOLATION {violation}");
        }

        output.WriteLine(Summary(1, result.Failed ? 1 : 0, result.Stats, watch.Elapsed));
        return result.Failed ? 1 : 0;
    }

    private static int Sweep(Dictionary<string, string?> flags, TextWriter output)
    {
        var seeds = Number(flags, "--seeds", 100, 1, 10_000_000);
        var start = Number(flags, "--start", 1, long.MinValue / 2, long.MaxValue / 2);
        var nodes = Nodes(flags);
        var jobs = (int)Number(flags, "--jobs", Math.Min(2, Environment.ProcessorCount), 1, 64);
        var failFast = flags.ContainsKey("--fail-fast");
        var watch = Stopwatch.StartNew();
        var results = new SimulationResult?[seeds];
        Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = jobs }, (i, loop) =>
        {
            var result = Simulator.Run(SimulationOptions.ForSeed(start + i, nodes));
            // Keep only what the summary needs from passing seeds, so memory stays flat over many seeds.
            results[i] = result.Failed ? result : result with { Trace = [] };

            // A hung seed's thread spins on: stop before more of them eat the cores. --fail-fast stops at any failure.
            if (result.Hung || (failFast && result.Failed))
            {
                loop.Stop();
            }
        });

        var total = new SimulationStats();
        var failures = new List<SimulationResult>();
        var run = 0;
        foreach (var result in results)
        {
            if (result is null)
            {
                continue;
            }

            run++;
            total.Add(result.Stats);
            if (result.Failed)
            {
                failures.Add(result);
            }
        }

        if (run < seeds)
        {
            var why = failures.Any(f => f.Hung) ? "a seed hung (its thread is abandoned)" : "--fail-fast and a seed failed";
            output.WriteLine($"sweep stopped early after {run} of {seeds} seeds: {why}");
        }

        // One line per failing seed; the first few are shrunk and shown with their trace (shrinking re-runs them).
        foreach (var failure in failures)
        {
            var o = failure.Options;
            output.WriteLine($"FAILED seed {o.Seed} ({o.Nodes} nodes, mix {o.Mix}): {failure.Violations[0]}");
        }

        foreach (var failure in failures.Take(3))
        {
            ReportFailure(failure, output);
        }

        output.WriteLine(Summary(run, failures.Count, total, watch.Elapsed));
        return failures.Count > 0 ? 1 : 0;
    }

    private static void ReportFailure(SimulationResult failure, TextWriter output)
    {
        var options = failure.Options;
        output.WriteLine($"seed {options.Seed} ({options.Nodes} nodes, mix {options.Mix}):");
        foreach (var violation in failure.Violations)
        {
            output.WriteLine($"  {violation}");
        }

        var shrunk = Simulator.Shrink(failure);
        var replay = Simulator.Run(shrunk.Options with { Trace = true });
        var kept = replay.Faults.Where(f => f.AtUs < shrunk.Options.ChaosUs && !shrunk.Options.WithoutFaults.Contains(f.Id)).ToList();
        output.WriteLine($"  shrunk to chaos {shrunk.Options.ChaosUs / 1000}ms with {kept.Count} fault(s): {shrunk.Violations[0]}");
        foreach (var fault in kept)
        {
            output.WriteLine($"    {fault}");
        }

        output.WriteLine($"  last events of the shrunk run:");
        foreach (var line in replay.Trace.TakeLast(60))
        {
            output.WriteLine($"    {line}");
        }

        output.WriteLine($"  replay: dotnet run --project tests/Raftex.Simulation -c Release -- {shrunk.Options.ReplayArguments()}");
    }

    /// <summary>The one closing line: seeds, seeds with violations, and the figures.</summary>
    public static string Summary(long seeds, long violations, SimulationStats stats, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture,
            $"simulation: seeds={seeds} violations={violations} {stats} wall_s={elapsed.TotalSeconds:0.0}");
}

using System.Globalization;
using Raftex.Client;

namespace Raftex.Chaos.Cli;

/// <summary>
/// <c>raftex-chaos run -f FILE --nodes ADMIN,... [--clients CLIENT,...]</c>: exit code 0 for Pass, 1 for Fail,
/// 2 for a bad command line or spec, 3 when the experiment could not run.
/// </summary>
internal static class ChaosCommand
{
    public const int Pass = 0;
    public const int Fail = 1;
    public const int Usage = 2;
    public const int NotRun = 3;

    public const string UsageText = """
        usage: raftex-chaos run -f FILE --nodes HOST:ADMINPORT,... [--clients HOST:CLIENTPORT,...] [--admin-token-file PATH] [--seed N]
          -f FILE         a ChaosExperiment manifest (the YAML kubectl apply takes)
          --nodes         the nodes' Admin addresses
          --clients       the nodes' client addresses, for the correctness probe (required unless spec.checks.probe is false)
          --seed N        seed of the target choice (default: random)
        exit code: 0 Pass, 1 Fail, 2 bad arguments or spec, 3 the experiment could not run
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] != "run")
        {
            error.WriteLine(args.Length == 0 ? UsageText : $"unknown command '{args[0]}'\n{UsageText}");
            return Usage;
        }

        string? file = null, tokenFile = null;
        List<string> nodes = [], clients = [];
        int? seed = null;
        for (var i = 1; i < args.Length; i++)
        {
            var flag = args[i];
            if (i + 1 >= args.Length)
            {
                error.WriteLine($"run: {flag} needs a value");
                return Usage;
            }

            var value = args[++i];
            switch (flag)
            {
                case "-f" or "--file": file = value; break;
                case "--nodes": nodes = Split(value); break;
                case "--clients": clients = Split(value); break;
                case "--admin-token-file": tokenFile = value; break;
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s): seed = s; break;
                case "--seed":
                    error.WriteLine($"run: --seed '{value}' is not an integer");
                    return Usage;
                default:
                    error.WriteLine($"run: unknown option '{flag}'\n{UsageText}");
                    return Usage;
            }
        }

        if (file is null || nodes.Count == 0)
        {
            error.WriteLine($"run: -f FILE and --nodes are required\n{UsageText}");
            return Usage;
        }

        if (nodes.Concat(clients).FirstOrDefault(a => !IsHostPort(a)) is { } bad)
        {
            error.WriteLine($"run: '{bad}' is not HOST:PORT");
            return Usage;
        }

        if (!File.Exists(file))
        {
            error.WriteLine($"run: {file}: no such file");
            return Usage;
        }

        var (name, spec, errors) = ChaosYaml.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), file);
        var (settings, specErrors) = spec is null ? (null, []) : ChaosSettings.From(spec);
        var all = errors.Concat(specErrors.Select(e => $"{file}: {e}")).ToList();
        if (settings is not null && settings.Probe && clients.Count == 0)
        {
            all.Add("run: --clients is required for the correctness probe (or set spec.checks.probe: false)");
        }

        if (all.Count > 0 || spec is null || settings is null)
        {
            foreach (var e in all)
            {
                error.WriteLine(e);
            }

            return Usage;
        }

        if (spec.Schedule is not null)
        {
            output.WriteLine($"note: schedule '{spec.Schedule}' is ignored here; raftex-chaos runs the experiment once");
            spec.Schedule = null;
        }

        var token = tokenFile is null ? null : (await File.ReadAllTextAsync(tokenFile, cancellationToken).ConfigureAwait(false)).Trim();
        using var exchange = new ExchangeClient(new ExchangeClientOptions
        {
            Addresses = clients.Count > 0 ? clients : nodes,
            Token = token,
            AttemptTimeout = TimeSpan.FromSeconds(1),
            RetryBudget = TimeSpan.FromSeconds(3),
        });
        using var cluster = new AddressCluster(settings.ClusterRef, nodes, new ExchangeProbeLedger(exchange), TimeSpan.FromSeconds(3), token);
        var engine = new ChaosEngine(cluster, random: seed is { } n ? new Random(n) : new Random());
        output.WriteLine($"experiment {(name.Length > 0 ? name : file)}: {settings.Describe()} against {settings.ClusterRef} ({nodes.Count} node(s))");
        var start = DateTime.UtcNow;
        var status = await ChaosRunner.RunAsync(engine, spec,
            e => output.WriteLine($"[{(DateTime.UtcNow - start).TotalSeconds,7:0.0}s] {(e.Warning ? "WARN " : string.Empty)}{e.Reason}: {e.Message}"),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        Print(status, output);
        return status.Verdict switch
        {
            ChaosVerdict.Pass => Pass,
            ChaosVerdict.Fail => Fail,
            _ => NotRun,
        };
    }

    private static void Print(ChaosExperimentStatus s, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"phase:          {s.Phase}");
        output.WriteLine($"targets:        {s.Target ?? "-"}");
        output.WriteLine($"leader:         {s.LeaderBefore?.Pod ?? "none"} -> {s.LeaderAfter?.Pod ?? "none"} ({s.LeaderChanges ?? 0} change(s))");
        output.WriteLine($"recovery:       {(s.RecoverySeconds is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) + "s" : "-")}");
        output.WriteLine($"unavailability: {(s.UnavailabilitySeconds is { } u ? u.ToString("0.000", CultureInfo.InvariantCulture) + "s" : "-")}");
        if (s.Probe is { } p)
        {
            output.WriteLine($"probe:          {p.Acknowledged} acknowledged, {p.Failed} failed, {p.Resubmitted} resubmitted, {p.Unknown.Count} unknown; balance {p.Balance?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        }

        output.WriteLine($"verdict:        {s.Verdict?.ToString() ?? "none"} — {s.Reason}");
    }

    private static List<string> Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static bool IsHostPort(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536;
    }
}

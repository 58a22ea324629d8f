using System.Globalization;
using System.Net;
using Raftex.Agents.Strategies;

namespace Raftex.Agents;

/// <summary>The command line (and its environment equivalents) of raftex-agents.</summary>
internal sealed record AgentOptions
{
    public const string Usage = """
        raftex-agents --cluster HOST:PORT[,HOST:PORT...] --strategy KIND=COUNT[:key=value,...] [options]
          (each --name has an environment equivalent RAFTEX_AGENTS_NAME, e.g. --cluster = RAFTEX_AGENTS_CLUSTER;
           RAFTEX_AGENTS_STRATEGY holds one or more entries separated by ';')
          --cluster ADDRS            client-plane addresses of any of the cluster's nodes (required)
          --strategy KIND=COUNT[:..] repeatable; KIND is market-maker, momentum, noise or arbitrage; options are the
                                     strategy's parameters and symbols=A/B (default: --symbols), e.g.
                                     --strategy market-maker=2:spread=20,size=1 --strategy arbitrage=1:symbols=BTC-USD/BTC-USDC
          --symbols A,B              symbols traded (default BTC-USD,ETH-USD)
          --seed N                   seed of every decision (default 1); same seed and market data, same decisions
          --rate R                   orders per second per agent, a decimal in [0.01, 1000] (default 1)
          --duration D               run time, e.g. 500ms, 60s, 5m, 1h (default: until SIGTERM or Ctrl-C)
          --funds ASSET=N,...        deposit per account and asset, in asset units (default: 1000000000 of a quote
                                     asset, 100000 of a base asset)
          --prices SYMBOL=TICKS,...  price to quote around while a symbol has neither a book nor a trade
                                     (BTC-USD=100000 and ETH-USD=10000, the node's default reference prices, unless given)
          --account-base N           first account id; agent i trades account N+i (default 1000000)
          --sessions N               order-entry sessions shared by the agents (default 4)
          --token-file PATH          bearer token for the cluster's client plane
          --metrics-port N           /metrics (Prometheus) port, 0 = off (default 9464)
          --metrics-address IP       address /metrics binds (default 127.0.0.1)
          --summary PATH             also write the final JSON summary to PATH (it always goes to stdout)
          --progress MODE            auto (one live line on a terminal, a line every 5 s otherwise), plain, off (default auto)
          --book-interval-ms N       how often each symbol's top of book is read (default 200)
          --no-cancel-on-exit        leave resting orders in the book at the end (default: cancel them)
          --linger                   after the summary, keep serving /metrics (with /readyz failing) until SIGTERM,
                                     so a pod that finished its --duration stays up instead of restarting into a new run
        """;

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "no-cancel-on-exit", "linger" };

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "cluster", "strategy", "symbols", "seed", "rate", "duration", "funds", "prices", "account-base", "sessions", "token-file",
        "metrics-port", "metrics-address", "summary", "progress", "book-interval-ms", "no-cancel-on-exit", "linger",
    };

    public required IReadOnlyList<string> Cluster { get; init; }

    public required IReadOnlyList<StrategyEntry> Strategies { get; init; }

    public IReadOnlyList<string> Symbols { get; init; } = ["BTC-USD", "ETH-USD"];

    public long Seed { get; init; } = 1;

    public double Rate { get; init; } = 1;

    public TimeSpan? Duration { get; init; }

    public IReadOnlyDictionary<string, long> Funds { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Prices { get; init; } = DefaultPrices;

    public ulong AccountBase { get; init; } = 1_000_000;

    public int Sessions { get; init; } = 4;

    public string? TokenFile { get; init; }

    public int MetricsPort { get; init; } = 9464;

    public IPAddress MetricsAddress { get; init; } = IPAddress.Loopback;

    public string? SummaryPath { get; init; }

    public ProgressMode Progress { get; init; } = ProgressMode.Auto;

    public TimeSpan BookInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public bool CancelOnExit { get; init; } = true;

    public bool Linger { get; init; }

    private static readonly Dictionary<string, long> DefaultPrices = new(StringComparer.Ordinal) { ["BTC-USD"] = 100_000, ["ETH-USD"] = 10_000 };

    /// <summary>Deposit per account of <paramref name="asset"/>: --funds, else the default for a quote or a base asset.</summary>
    public long FundsOf(string asset, bool isQuote) =>
        Funds.TryGetValue(asset, out var amount) ? amount : isQuote ? 1_000_000_000 : 100_000;

    /// <summary>Parses <paramref name="args"/>; environment variables fill what the command line leaves out. Throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static AgentOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'; options start with --");
            }

            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0 && !name.StartsWith("strategy=", StringComparison.Ordinal))
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (Flags.Contains(name))
            {
                value = "true";
            }
            else if (eq >= 0)
            {
                // --strategy=noise=5: the first '=' ends the option name.
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"option --{name} needs a value");
            }
            else
            {
                value = args[++i];
            }

            if (!Known.Contains(name))
            {
                throw new ArgumentException($"unknown option --{name}");
            }

            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }

            if (list.Count > 0 && name != "strategy")
            {
                throw new ArgumentException($"option --{name} given twice");
            }

            list.Add(value);
        }

        foreach (var name in Known)
        {
            if (!values.ContainsKey(name) && environment("RAFTEX_AGENTS_" + name.Replace('-', '_').ToUpperInvariant()) is { Length: > 0 } env)
            {
                values[name] = name == "strategy" ? [.. env.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [env];
            }
        }

        string? Get(string name) => values.TryGetValue(name, out var v) ? v[0] : null;
        long Integer(string name, long fallback, long min, long max)
        {
            var text = Get(name);
            if (text is null)
            {
                return fallback;
            }

            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v
                : throw new ArgumentException($"--{name} '{text}': expected an integer in [{min}, {max}]");
        }

        var cluster = List(Get("cluster") ?? throw new ArgumentException("--cluster is required: the client addresses of the nodes, e.g. --cluster 127.0.0.1:7001,127.0.0.1:7011"));
        foreach (var address in cluster)
        {
            if (!address.Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException($"--cluster '{address}': expected HOST:PORT");
            }
        }

        if (!values.TryGetValue("strategy", out var strategyTexts))
        {
            throw new ArgumentException("at least one --strategy is required, e.g. --strategy noise=100");
        }

        var strategies = strategyTexts.Select(StrategyEntry.Parse).ToList();
        var symbols = Get("symbols") is { } s ? List(s) : ["BTC-USD", "ETH-USD"];
        var rateText = Get("rate");
        var rate = 1.0;
        if (rateText is not null && (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || rate < 0.01 || rate > 1000))
        {
            throw new ArgumentException($"--rate '{rateText}': expected orders per second per agent in [0.01, 1000]");
        }

        var metricsAddress = IPAddress.Loopback;
        if (Get("metrics-address") is { } ma && !IPAddress.TryParse(ma, out metricsAddress))
        {
            throw new ArgumentException($"--metrics-address '{ma}' is not an IP address");
        }

        var progressText = Get("progress") ?? "auto";
        var progress = progressText switch
        {
            "auto" => ProgressMode.Auto,
            "plain" => ProgressMode.Plain,
            "off" => ProgressMode.Off,
            _ => throw new ArgumentException($"--progress '{progressText}': expected auto, plain or off"),
        };

        var options = new AgentOptions
        {
            Cluster = cluster,
            Strategies = strategies,
            Symbols = symbols,
            Seed = Integer("seed", 1, long.MinValue, long.MaxValue),
            Rate = rate,
            Duration = Get("duration") is { } d ? DurationText.Parse("--duration", d) : null,
            Funds = Amounts("funds", Get("funds"), 0),
            Prices = Get("prices") is { } p ? Merge(DefaultPrices, Amounts("prices", p, 1)) : DefaultPrices,
            AccountBase = (ulong)Integer("account-base", 1_000_000, 1, long.MaxValue / 2),
            Sessions = (int)Integer("sessions", 4, 1, 256),
            TokenFile = Get("token-file"),
            MetricsPort = (int)Integer("metrics-port", 9464, 0, 65535),
            MetricsAddress = metricsAddress,
            SummaryPath = Get("summary"),
            Progress = progress,
            BookInterval = TimeSpan.FromMilliseconds(Integer("book-interval-ms", 200, 10, 60_000)),
            CancelOnExit = Get("no-cancel-on-exit") is not "true",
            Linger = Get("linger") is "true",
        };
        options.Validate();
        return options;
    }

    /// <summary>Checks what no single option can: symbol names, prices, funds and each entry's symbols and parameters.</summary>
    private void Validate()
    {
        foreach (var symbol in Symbols.Concat(Strategies.SelectMany(e => e.Symbols)))
        {
            SymbolName.Split(symbol);
        }

        if (Symbols.Distinct(StringComparer.Ordinal).Count() != Symbols.Count)
        {
            throw new ArgumentException($"--symbols '{string.Join(',', Symbols)}' names a symbol twice");
        }

        var total = 0L;
        foreach (var entry in Strategies)
        {
            var strategy = entry.CreateStrategy();
            var symbols = SymbolsOf(entry);
            if (strategy.SymbolsPerAgent == 2)
            {
                ArbitragePair(entry);
            }

            foreach (var symbol in symbols)
            {
                if (!Prices.ContainsKey(symbol))
                {
                    throw new ArgumentException($"no starting price for {symbol}: give --prices {symbol}=TICKS (the price to quote around before its first trade)");
                }
            }

            total += entry.Count;
        }

        if (total > 1_000_000)
        {
            throw new ArgumentException($"{total} agents in one process: at most 1000000");
        }

        if (AccountBase + (ulong)total > long.MaxValue)
        {
            throw new ArgumentException($"--account-base {AccountBase} + {total} agents passes the largest account id");
        }
    }

    /// <summary>The symbols an entry's agents trade: its own, else the run's.</summary>
    public IReadOnlyList<string> SymbolsOf(StrategyEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Symbols.Count > 0 ? entry.Symbols : Symbols;
    }

    /// <summary>The two symbols of an arbitrage entry: the first two of its symbols that share a base asset.</summary>
    public (string First, string Second) ArbitragePair(StrategyEntry entry)
    {
        var symbols = SymbolsOf(entry);
        for (var i = 0; i < symbols.Count; i++)
        {
            for (var j = i + 1; j < symbols.Count; j++)
            {
                if (SymbolName.Split(symbols[i]).Base == SymbolName.Split(symbols[j]).Base)
                {
                    return (symbols[i], symbols[j]);
                }
            }
        }

        throw new ArgumentException($"arbitrage needs two symbols quoting the same asset (e.g. symbols=BTC-USD/BTC-USDC); got {string.Join(", ", symbols)}");
    }

    private static Dictionary<string, long> Merge(Dictionary<string, long> defaults, Dictionary<string, long> given)
    {
        var merged = new Dictionary<string, long>(defaults, StringComparer.Ordinal);
        foreach (var (k, v) in given)
        {
            merged[k] = v;
        }

        return merged;
    }

    private static List<string> List(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static Dictionary<string, long> Amounts(string option, string? text, long min)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in List(text ?? string.Empty))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || kv[0].Length == 0 || !long.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < min)
            {
                throw new ArgumentException($"--{option} '{part}': expected NAME=N with N an integer ≥ {min}");
            }

            if (!result.TryAdd(kv[0], amount))
            {
                throw new ArgumentException($"--{option}: {kv[0]} given twice");
            }
        }

        return result;
    }
}

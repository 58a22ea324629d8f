using System.Globalization;

namespace Raftex.Agents.Strategies;

/// <summary>
/// One <c>--strategy</c> entry: a kind, how many agents run it, the symbols they trade (empty: the run's
/// <c>--symbols</c>) and the strategy's parameters. Text form: <c>KIND=COUNT[:key=value,...]</c> with the reserved
/// key <c>symbols=A/B</c>, e.g. <c>market-maker=2:symbols=BTC-USD/ETH-USD,spread=20</c>.
/// </summary>
public sealed record StrategyEntry(StrategyKind Kind, int Count, IReadOnlyList<string> Symbols, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The command-line name of a kind: market-maker, momentum, noise, arbitrage.</summary>
    public static string NameOf(StrategyKind kind) => kind switch
    {
        StrategyKind.MarketMaker => "market-maker",
        StrategyKind.Momentum => "momentum",
        StrategyKind.Noise => "noise",
        StrategyKind.Arbitrage => "arbitrage",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown strategy kind"),
    };

    /// <summary>Parses the text form; throws <see cref="ArgumentException"/> with a precise message.</summary>
    public static StrategyEntry Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var head = colon < 0 ? text : text[..colon];
        var eq = head.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ArgumentException($"--strategy '{text}': expected KIND=COUNT, e.g. noise=100");
        }

        var name = head[..eq].Trim();
        var kind = Enum.GetValues<StrategyKind>().Select(k => (StrategyKind?)k).FirstOrDefault(k => NameOf(k!.Value) == name)
            ?? throw new ArgumentException($"--strategy '{text}': unknown strategy '{name}' (known: {string.Join(", ", Enum.GetValues<StrategyKind>().Select(NameOf))})");
        if (!int.TryParse(head[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > 1_000_000)
        {
            throw new ArgumentException($"--strategy '{text}': count '{head[(eq + 1)..]}' must be an integer in [1, 1000000]");
        }

        var symbols = new List<string>();
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (colon >= 0)
        {
            foreach (var part in text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var kv = part.Split('=', 2);
                if (kv.Length != 2 || kv[0].Length == 0 || kv[1].Length == 0)
                {
                    throw new ArgumentException($"--strategy '{text}': '{part}' is not key=value");
                }

                if (kv[0] == "symbols")
                {
                    symbols.AddRange(kv[1].Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                }
                else if (!parameters.TryAdd(kv[0], kv[1]))
                {
                    throw new ArgumentException($"--strategy '{text}': parameter '{kv[0]}' given twice");
                }
            }
        }

        return new StrategyEntry(kind, count, symbols, parameters);
    }

    /// <summary>The decision logic this entry's agents share (validates the parameters).</summary>
    public IStrategy CreateStrategy()
    {
        var reader = new StrategyParameters(NameOf(Kind), Parameters);
        return Kind switch
        {
            StrategyKind.MarketMaker => new MarketMakerStrategy(reader),
            StrategyKind.Momentum => new MomentumStrategy(reader),
            StrategyKind.Noise => new NoiseStrategy(reader),
            StrategyKind.Arbitrage => new ArbitrageStrategy(reader),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown strategy kind"),
        };
    }

    /// <summary>The text form, as <see cref="Parse"/> reads it (what the operator writes into a pod's arguments).</summary>
    public override string ToString()
    {
        var options = new List<string>();
        if (Symbols.Count > 0)
        {
            options.Add("symbols=" + string.Join('/', Symbols));
        }

        options.AddRange(Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        return $"{NameOf(Kind)}={Count.ToString(CultureInfo.InvariantCulture)}" + (options.Count > 0 ? ":" + string.Join(',', options) : string.Empty);
    }
}

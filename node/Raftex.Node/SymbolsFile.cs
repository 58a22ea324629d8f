using System.Globalization;
using Raftex.Exchange;

namespace Raftex.Node;

/// <summary>
/// The exchange configuration: assets and instruments. File format, one per line ('#' comments):
/// <c>asset NAME</c> and <c>instrument SYMBOL BASE QUOTE tick lot min-qty max-qty reference-price band-bp</c>.
/// Every node of a cluster must load the same file.
/// </summary>
internal static class SymbolsFile
{
    /// <summary>Log time is in milliseconds: sessions expire after 10 minutes idle, client ids are remembered for an hour.</summary>
    public static ExchangeConfig Default() => Build(
        ["BTC", "ETH", "USD"],
        [
            new InstrumentSpec("BTC-USD", 0, 2, 1, 1, 1, 1_000_000, 100_000, 500),
            new InstrumentSpec("ETH-USD", 1, 2, 1, 1, 1, 1_000_000, 10_000, 500),
        ]);

    public static ExchangeConfig Load(string? path)
    {
        if (path is null)
        {
            return Default();
        }

        var assets = new List<string>();
        var instruments = new List<InstrumentSpec>();
        var n = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f[0] == "asset" && f.Length == 2)
            {
                assets.Add(f[1]);
            }
            else if (f[0] == "instrument" && f.Length == 10)
            {
                int AssetIndex(string name) => assets.IndexOf(name) is var i and >= 0 ? i : throw new ArgumentException($"{path}:{n}: unknown asset '{name}' (declare assets first)");
                long L(int k) => long.TryParse(f[k], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{path}:{n}: '{f[k]}' is not an integer");
                instruments.Add(new InstrumentSpec(f[1], AssetIndex(f[2]), AssetIndex(f[3]), L(4), L(5), L(6), L(7), L(8), L(9)));
            }
            else
            {
                throw new ArgumentException($"{path}:{n}: expected 'asset NAME' or 'instrument SYMBOL BASE QUOTE tick lot min max reference band-bp'");
            }
        }

        var config = Build(assets, instruments);
        config.Validate();
        return config;
    }

    /// <summary>
    /// The operator's symbols.json: an array of <c>{name, base, quote, tickSize, lotSize}</c>. The decimal sizes name the
    /// units; the engine counts whole ticks and lots, so every instrument trades 1 to 1,000,000 lots. The spec carries no
    /// reference price, so the price band is the widest (±100 %) around 100,000 ticks until the first trade sets its centre.
    /// </summary>
    public static ExchangeConfig LoadJson(string path)
    {
        System.Text.Json.Nodes.JsonArray symbols;
        try
        {
            symbols = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path)) as System.Text.Json.Nodes.JsonArray
                ?? throw new ArgumentException($"{path}: expected a JSON array of symbols");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ArgumentException($"{path}: not valid JSON: {ex.Message}", ex);
        }

        var assets = new List<string>();
        var instruments = new List<InstrumentSpec>();
        int AssetIndex(string name)
        {
            var i = assets.IndexOf(name);
            if (i >= 0)
            {
                return i;
            }

            assets.Add(name);
            return assets.Count - 1;
        }

        foreach (var symbol in symbols)
        {
            string Field(string name) => symbol?[name]?.GetValue<string>() is { Length: > 0 } v ? v : throw new ArgumentException($"{path}: a symbol has no '{name}'");
            instruments.Add(new InstrumentSpec(Field("name"), AssetIndex(Field("base")), AssetIndex(Field("quote")), 1, 1, 1, 1_000_000, 100_000, 10_000));
        }

        var config = Build(assets, instruments);
        config.Validate();
        return config;
    }

    private static ExchangeConfig Build(IReadOnlyList<string> assets, IReadOnlyList<InstrumentSpec> instruments) =>
        new(assets, instruments, SessionTimeout: 600_000, SessionWindow: 1024, ClientIdRetention: 3_600_000);
}

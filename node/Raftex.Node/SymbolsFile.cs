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

    private static ExchangeConfig Build(IReadOnlyList<string> assets, IReadOnlyList<InstrumentSpec> instruments) =>
        new(assets, instruments, SessionTimeout: 600_000, SessionWindow: 1024, ClientIdRetention: 3_600_000);
}

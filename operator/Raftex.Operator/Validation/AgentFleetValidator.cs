using System.Globalization;
using Raftex.Operator.Api;

namespace Raftex.Operator.Validation;

/// <summary>Checks an AgentFleet spec beyond what the schema can express, against the cluster it names.</summary>
public static class AgentFleetValidator
{
    /// <summary>Errors for <paramref name="spec"/> trading on <paramref name="cluster"/>; an invalid spec changes no child object.</summary>
    public static SpecValidation Validate(AgentFleetSpec spec, ExchangeCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(cluster);
        var errors = new List<SpecFinding>();
        var listed = cluster.Spec.Symbols.Select(s => s.Name).ToList();
        if (spec.Strategies.Count == 0)
        {
            errors.Add(new("spec.strategies", "at least one strategy is required"));
        }

        for (var i = 0; i < spec.Strategies.Count; i++)
        {
            var s = spec.Strategies[i];
            var field = $"spec.strategies[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (s.Count < 1)
            {
                errors.Add(new($"{field}.count", $"must be at least 1, got {s.Count}"));
            }

            var symbols = s.Symbols is { Count: > 0 } own ? own.ToList() : listed;
            foreach (var symbol in symbols.Where(x => !listed.Contains(x)))
            {
                errors.Add(new($"{field}.symbols", $"{symbol} is not a symbol of ExchangeCluster {cluster.Metadata.Name} (it lists {string.Join(", ", listed)})"));
            }

            if (s.Type == AgentStrategyType.Arbitrage && !symbols.GroupBy(x => x.Split('-')[0]).Any(g => g.Count() >= 2))
            {
                errors.Add(new($"{field}.symbols", $"Arbitrage needs two symbols quoting the same asset (e.g. BTC-USD and BTC-USDC); got {string.Join(", ", symbols)}"));
            }
        }

        if (spec.Strategies.Sum(s => (long)s.Count) > 1_000_000)
        {
            errors.Add(new("spec.strategies", $"{spec.Strategies.Sum(s => (long)s.Count)} agents per pod: at most 1000000"));
        }

        if (spec.OrderRatePerAgent is { } rate && (!double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || r < 0.01 || r > 1000))
        {
            errors.Add(new("spec.orderRatePerAgent", $"must be a decimal in [0.01, 1000] orders per second, got \"{rate}\""));
        }

        if (spec.Image is { } image && (image.Length == 0 || image.Any(char.IsWhiteSpace)))
        {
            errors.Add(new("spec.image", $"must be a non-empty image reference without whitespace, got \"{image}\""));
        }

        foreach (var (asset, amount) in spec.StartingFunds ?? new Dictionary<string, long>())
        {
            if (amount < 0)
            {
                errors.Add(new($"spec.startingFunds.{asset}", $"must not be negative, got {amount}"));
            }
        }

        foreach (var (symbol, price) in spec.StartingPrices ?? new Dictionary<string, long>())
        {
            if (price < 1)
            {
                errors.Add(new($"spec.startingPrices.{symbol}", $"must be at least 1 tick, got {price}"));
            }
        }

        return new SpecValidation(errors, []);
    }
}

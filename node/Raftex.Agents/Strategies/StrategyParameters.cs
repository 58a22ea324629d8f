using System.Globalization;

namespace Raftex.Agents.Strategies;

/// <summary>
/// Reads a strategy's <c>name=value</c> parameters as positive integers with defaults and bounds, and refuses a name
/// the strategy does not know — a misspelt parameter silently falling back to its default would mislead.
/// </summary>
public sealed class StrategyParameters
{
    private readonly string _strategy;
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public StrategyParameters(string strategy, IReadOnlyDictionary<string, string> values)
    {
        _strategy = strategy;
        _values = values ?? throw new ArgumentNullException(nameof(values));
    }

    /// <summary>The value of <paramref name="name"/>, <paramref name="fallback"/> when absent; throws <see cref="ArgumentException"/> outside [min, max].</summary>
    public long Get(string name, long fallback, long min, long max)
    {
        _known.Add(name);
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{_strategy} parameter {name}={text}: expected an integer in [{min}, {max}]");
        }

        return value;
    }

    /// <summary>Throws when a parameter was given that no <see cref="Get"/> asked for.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys.Order(StringComparer.Ordinal))
        {
            if (!_known.Contains(name))
            {
                throw new ArgumentException($"{_strategy} has no parameter '{name}' (known: {string.Join(", ", _known.Order(StringComparer.Ordinal))})");
            }
        }
    }
}

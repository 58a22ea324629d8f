using System.Globalization;

namespace Raftex.Agents;

/// <summary>Durations written as a whole number and a unit: 500ms, 60s, 5m, 1h.</summary>
internal static class DurationText
{
    public static TimeSpan Parse(string option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (digits, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, double.NaN);
        if (double.IsNaN(unit) || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n * unit > 366 * 86_400)
        {
            throw new ArgumentException($"{option} '{text}': expected a positive duration such as 500ms, 60s, 5m or 1h (at most a year)");
        }

        return TimeSpan.FromSeconds(n * unit);
    }
}

using System.Globalization;

namespace Raftex.Chaos;

/// <summary>Durations written as a number and one unit: 500ms, 30s, 2m, 1h.</summary>
public static class DurationText
{
    /// <summary>Parses <paramref name="text"/>; false for anything else (no unit, a fraction, a sign, two units).</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var unitAt = 0;
        while (unitAt < text.Length && char.IsAsciiDigit(text[unitAt]))
        {
            unitAt++;
        }

        if (unitAt == 0 || !long.TryParse(text.AsSpan(0, unitAt), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000_000)
        {
            return false;
        }

        TimeSpan? parsed = text[unitAt..] switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => null,
        };
        value = parsed ?? TimeSpan.Zero;
        return parsed is not null;
    }

    /// <summary>The shortest exact text of <paramref name="value"/>.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
        : value.TotalSeconds % 60 != 0 ? $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : value.TotalMinutes % 60 != 0 ? $"{value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m"
        : $"{value.TotalHours.ToString(CultureInfo.InvariantCulture)}h";
}

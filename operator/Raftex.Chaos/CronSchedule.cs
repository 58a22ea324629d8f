using System.Globalization;

namespace Raftex.Chaos;

/// <summary>A five-field cron schedule (minute hour day-of-month month day-of-week, UTC) with *, lists, ranges and steps.</summary>
public sealed class CronSchedule
{
    private static readonly (string Name, int Min, int Max)[] Fields =
        [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 6)];

    private readonly bool[][] _allowed;
    private readonly bool _anyDayOfMonth;
    private readonly bool _anyDayOfWeek;

    private CronSchedule(bool[][] allowed, bool anyDayOfMonth, bool anyDayOfWeek)
    {
        _allowed = allowed;
        _anyDayOfMonth = anyDayOfMonth;
        _anyDayOfWeek = anyDayOfWeek;
    }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> names the field and the problem.</summary>
    public static bool TryParse(string text, out CronSchedule? schedule, out string error)
    {
        schedule = null;
        var parts = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
        {
            error = $"expected 5 fields (minute hour day-of-month month day-of-week), got {parts.Length}";
            return false;
        }

        var allowed = new bool[5][];
        for (var f = 0; f < 5; f++)
        {
            var (name, min, max) = Fields[f];
            allowed[f] = new bool[max + 1];
            foreach (var item in parts[f].Split(','))
            {
                var step = 1;
                var range = item;
                var slash = item.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0)
                {
                    if (!int.TryParse(item.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                    {
                        error = $"{name}: bad step in '{item}'";
                        return false;
                    }

                    range = item[..slash];
                }

                int lo, hi;
                if (range == "*")
                {
                    (lo, hi) = (min, max);
                }
                else
                {
                    var dash = range.IndexOf('-', StringComparison.Ordinal);
                    var loText = dash >= 0 ? range[..dash] : range;
                    var hiText = dash >= 0 ? range[(dash + 1)..] : range;
                    if (!int.TryParse(loText, NumberStyles.None, CultureInfo.InvariantCulture, out lo)
                        || !int.TryParse(hiText, NumberStyles.None, CultureInfo.InvariantCulture, out hi))
                    {
                        error = $"{name}: '{item}' is not a number, range or *";
                        return false;
                    }

                    if (slash >= 0 && dash < 0)
                    {
                        hi = max;
                    }
                }

                if (lo < min || hi > max || lo > hi)
                {
                    error = $"{name}: '{item}' is outside {min}-{max}";
                    return false;
                }

                for (var v = lo; v <= hi; v += step)
                {
                    allowed[f][v] = true;
                }
            }
        }

        schedule = new CronSchedule(allowed, parts[2] == "*", parts[4] == "*");
        if (!schedule.CanMatch())
        {
            schedule = null;
            error = $"day of month '{parts[2]}' never occurs in month '{parts[3]}'";
            return false;
        }

        error = string.Empty;
        return true;
    }

    /// <summary>How many matching minutes lie strictly after <paramref name="after"/> and at or before <paramref name="until"/>, counting up to <paramref name="max"/>.</summary>
    public int CountBetween(DateTime after, DateTime until, int max)
    {
        var count = 0;
        for (var t = Next(after); t <= until && count < max; t = Next(t))
        {
            count++;
        }

        return count;
    }

    /// <summary>The first whole minute strictly after <paramref name="after"/> that matches (UTC); a 29 February schedule may wait eight years.</summary>
    public DateTime Next(DateTime after)
    {
        var t = new DateTime(after.Year, after.Month, after.Day, after.Hour, after.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        var limit = t.AddYears(9);
        while (t < limit)
        {
            if (!_allowed[3][t.Month] || !DayMatches(t))
            {
                t = new DateTime(t.Year, t.Month, t.Day, 0, 0, 0, DateTimeKind.Utc).AddDays(1);
                continue;
            }

            if (!_allowed[1][t.Hour])
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
                continue;
            }

            if (_allowed[0][t.Minute])
            {
                return t;
            }

            t = t.AddMinutes(1);
        }

        throw new InvalidOperationException("TryParse refuses schedules that never match.");
    }

    // Only a restricted day of month can rule out every day (31 in February); a restricted day of week always matches some day.
    private bool CanMatch()
    {
        if (_anyDayOfMonth || !_anyDayOfWeek)
        {
            return true;
        }

        int[] longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        for (var month = 1; month <= 12; month++)
        {
            for (var day = 1; day <= longest[month]; day++)
            {
                if (_allowed[3][month] && _allowed[2][day])
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Cron's rule: when both day fields are restricted, a day matching either one matches.
    private bool DayMatches(DateTime t)
    {
        var dom = _allowed[2][t.Day];
        var dow = _allowed[4][(int)t.DayOfWeek];
        return _anyDayOfMonth ? dow : _anyDayOfWeek ? dom : dom || dow;
    }
}

using System.Globalization;
using System.Net;

namespace Raftex.E2E.Tests;

/// <summary>What listens on a platform's pod network, from the kernel's socket table (no process tools needed).</summary>
internal static class PodNetwork
{
    /// <summary>A /16 of 127.0.0.0/8 for this test process, away from the demo's default 127.77.</summary>
    public static string ForThisProcess { get; } = $"127.{100 + (Environment.ProcessId % 100)}";

    /// <summary>Listening TCP endpoints whose address starts with <paramref name="prefix"/> (e.g. "127.105." or "127.105.0.3:").</summary>
    public static IReadOnlyList<string> Listeners(string prefix)
    {
        var found = new List<string>();
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != "0A")
            {
                continue;
            }

            var local = fields[1].Split(':');
            var raw = uint.Parse(local[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var endpoint = $"{new IPAddress(raw)}:{int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)}";
            if (endpoint.StartsWith(prefix, StringComparison.Ordinal))
            {
                found.Add(endpoint);
            }
        }

        return found;
    }
}

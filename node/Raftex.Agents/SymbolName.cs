namespace Raftex.Agents;

/// <summary>A symbol's name BASE-QUOTE, as the cluster lists it.</summary>
internal static class SymbolName
{
    /// <summary>The base and quote assets of <paramref name="symbol"/>; throws <see cref="ArgumentException"/> for a malformed name.</summary>
    public static (string Base, string Quote) Split(string symbol)
    {
        var parts = symbol.Split('-');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 && parts[0] != parts[1]
            ? (parts[0], parts[1])
            : throw new ArgumentException($"symbol '{symbol}': expected BASE-QUOTE with two different assets, e.g. BTC-USD");
    }
}

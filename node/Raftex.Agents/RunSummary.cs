namespace Raftex.Agents;

/// <summary>
/// The final JSON summary of a run. Orders count every command sent (new orders, replaces, cancels); a fill is one
/// side of a trade (an agent's order as maker or taker), so a trade between two of this process's agents is two fills
/// and one of <see cref="Trades"/>. PnL is quote currency received minus paid plus inventory at the mark price, in quote units.
/// </summary>
public sealed record RunSummary
{
    public required double DurationSeconds { get; init; }

    public required int Agents { get; init; }

    public required long Orders { get; init; }

    /// <summary>Commands sent while trading, per second of trading (the cancels of the exit are in <see cref="Orders"/> only).</summary>
    public required double OrdersPerSecond { get; init; }

    public required long Accepted { get; init; }

    public required long Rejects { get; init; }

    public required long Cancelled { get; init; }

    public required long Replaced { get; init; }

    public required long Errors { get; init; }

    public required long Fills { get; init; }

    /// <summary>Trades this process's orders took liquidity in (one per taker fill).</summary>
    public required long Trades { get; init; }

    public required double LatencyP50Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    public required IReadOnlyDictionary<string, long> RejectReasons { get; init; }

    /// <summary>Price each symbol's inventory is valued at: its last trade, else its starting price.</summary>
    public required IReadOnlyDictionary<string, long> Marks { get; init; }

    /// <summary>Log index of the last funding deposit; every order of the run committed after it.</summary>
    public required ulong FundedIndex { get; init; }

    /// <summary>Managed heap at the end, after a full collection.</summary>
    public required long HeapBytes { get; init; }

    public required IReadOnlyList<StrategySummary> Strategies { get; init; }
}

namespace Raftex.Agents.Strategies;

/// <summary>
/// What an agent knows of one symbol when it decides: the top of the book, the last trade and the most recent trade
/// prices (oldest first). Prices are in ticks; 0 means "none".
/// </summary>
public sealed record MarketView(long BestBid, long BestAsk, long LastPrice, IReadOnlyList<long> RecentTrades)
{
    /// <summary>No book and no trade yet.</summary>
    public static readonly MarketView Empty = new(0, 0, 0, []);

    /// <summary>The mid of the touch when both sides exist, else the last trade price, else 0.</summary>
    public long Mid => BestBid > 0 && BestAsk > 0 ? (BestBid + BestAsk) / 2 : LastPrice;
}

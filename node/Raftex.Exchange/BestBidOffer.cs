namespace Raftex.Exchange;

/// <summary>Best bid and offer; a missing side has price and quantity 0.</summary>
public readonly record struct BestBidOffer(long BidPrice, long BidQuantity, long AskPrice, long AskQuantity);

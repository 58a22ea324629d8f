namespace Raftex.Exchange;

/// <summary>One aggregated price level of the L2 book.</summary>
public readonly record struct BookLevel(long Price, long Quantity, int Orders);

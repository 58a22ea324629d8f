namespace Raftex.Exchange;

/// <summary>Order side.</summary>
public enum Side : byte
{
    Buy = 1,
    Sell = 2,
}

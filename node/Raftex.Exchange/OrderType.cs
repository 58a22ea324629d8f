namespace Raftex.Exchange;

/// <summary>Order type: a limit order carries a limit price; a market order carries a protection price and never rests.</summary>
public enum OrderType : byte
{
    Limit = 1,
    Market = 2,
}

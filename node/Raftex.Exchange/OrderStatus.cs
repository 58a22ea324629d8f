namespace Raftex.Exchange;

/// <summary>A live order as the book holds it. Quantity = Filled + Open while it lives.</summary>
public readonly record struct OrderStatus(
    long OrderId,
    long Account,
    long ClientOrderId,
    int Instrument,
    Side Side,
    TimeInForce TimeInForce,
    SelfTradePrevention SelfTradePrevention,
    long Price,
    long Quantity,
    long Filled,
    long Open);

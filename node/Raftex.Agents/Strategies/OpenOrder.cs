namespace Raftex.Agents.Strategies;

/// <summary>
/// One of an agent's resting orders as the agent tracks it: the exchange's order id, its current client order id,
/// side, price, total quantity and the part still resting (lots), and the log index of the report that last set them.
/// </summary>
public sealed record OpenOrder(ulong OrderId, ulong ClientOrderId, Side Side, long Price, long Quantity, long Remaining, ulong AsOfIndex)
{
    /// <summary>Quantity filled so far, as far as the agent knows.</summary>
    public long Filled => Quantity - Remaining;
}

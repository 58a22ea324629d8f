namespace Raftex.Agents.Strategies;

/// <summary>
/// One decision of an agent: an order on the symbol at <see cref="Slot"/> of the agent's symbols, or a replace/cancel of
/// its resting order <see cref="Target"/>. Price in ticks (the protection price for a market order), quantity in lots
/// (for a replace: the size to rest, on top of what already filled).
/// </summary>
public readonly record struct AgentAction(ActionKind Kind, int Slot, Side Side, long Price, long Quantity, ulong Target = 0)
{
    public static AgentAction Limit(int slot, Side side, long price, long quantity) => new(ActionKind.Limit, slot, side, price, quantity);

    public static AgentAction LimitIoc(int slot, Side side, long price, long quantity) => new(ActionKind.LimitIoc, slot, side, price, quantity);

    public static AgentAction Market(int slot, Side side, long protectionPrice, long quantity) => new(ActionKind.Market, slot, side, protectionPrice, quantity);

    public static AgentAction Replace(int slot, OpenOrder order, long price, long quantity) => new(ActionKind.Replace, slot, order.Side, price, quantity, order.ClientOrderId);

    public static AgentAction Cancel(int slot, OpenOrder order) => new(ActionKind.Cancel, slot, order.Side, order.Price, 0, order.ClientOrderId);
}

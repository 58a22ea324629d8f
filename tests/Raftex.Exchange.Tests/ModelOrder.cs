namespace Raftex.Exchange.Tests;

/// <summary>An order in the reference model; finished orders are kept (Live = false) for the quantity invariant.</summary>
public sealed class ModelOrder
{
    public long OrderId { get; init; }

    public long Account { get; init; }

    public long ClientId { get; set; }

    public int Instrument { get; init; }

    public Side Side { get; init; }

    public TimeInForce TimeInForce { get; init; }

    public SelfTradePrevention Stp { get; init; }

    public long Price { get; set; }

    public long Quantity { get; set; }

    public long Filled { get; set; }

    public long Open { get; set; }

    public long Cancelled { get; set; }

    public long Priority { get; set; }

    public bool Live { get; set; }
}

namespace Raftex.Agents.Strategies;

/// <summary>
/// An agent's own state on one of its symbols, as its strategy sees it: net inventory in lots since the run began,
/// resting orders (oldest first) and one word of strategy memory (e.g. the sign of the last moving-average spread).
/// </summary>
public sealed class SlotState
{
    /// <summary>Net base quantity bought minus sold, in lots.</summary>
    public long Inventory { get; set; }

    /// <summary>Resting orders, oldest first.</summary>
    public List<OpenOrder> Open { get; } = [];

    /// <summary>Strategy memory carried from one decision to the next.</summary>
    public int Signal { get; set; }

    /// <summary>The resting order on <paramref name="side"/> with the oldest placement, or null.</summary>
    public OpenOrder? Resting(Side side)
    {
        foreach (var o in Open)
        {
            if (o.Side == side)
            {
                return o;
            }
        }

        return null;
    }
}

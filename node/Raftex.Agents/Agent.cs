using Raftex.Agents.Strategies;

namespace Raftex.Agents;

/// <summary>
/// One trading agent: an account, a strategy, its symbols, its seeded random source and what it knows of its own
/// orders and position. Its decision loop and the market-data loop that reports its maker fills both touch this
/// state, so every change happens under <see cref="Gate"/>.
/// </summary>
internal sealed class Agent
{
    private readonly ulong _idStamp;
    private uint _sequence;

    public Agent(int index, ulong account, int entry, IStrategy strategy, int[] symbols, long seed, ulong idStamp)
    {
        Index = index;
        Account = account;
        Entry = entry;
        Strategy = strategy;
        Symbols = symbols;
        Random = DeterministicRandom.ForAgent(seed, index);
        Slots = new SlotState[symbols.Length];
        for (var i = 0; i < Slots.Length; i++)
        {
            Slots[i] = new SlotState();
        }

        Cash = new long[symbols.Length];
        _idStamp = idStamp;
    }

    public Lock Gate { get; } = new();

    public int Index { get; }

    public ulong Account { get; }

    /// <summary>Index of the strategy entry this agent belongs to.</summary>
    public int Entry { get; }

    public IStrategy Strategy { get; }

    /// <summary>Fleet symbol index of each of the agent's slots.</summary>
    public int[] Symbols { get; }

    public SlotState[] Slots { get; }

    /// <summary>Quote currency received minus paid per slot, in quote units (price × lots).</summary>
    public long[] Cash { get; }

    // A field, so the strategy can advance it through a ref.
    public DeterministicRandom Random;

    /// <summary>
    /// The next client order or request id: the run's stamp (seconds since 2025) in the high 32 bits and a counter in
    /// the low, so a restarted agent on the same account never reuses an id the exchange still remembers.
    /// </summary>
    public ulong NextId() => _idStamp << 32 | ++_sequence;

    /// <summary>Books a fill on <paramref name="slot"/>; the caller holds <see cref="Gate"/>.</summary>
    public void Book(int slot, Side side, long price, long quantity)
    {
        var s = Slots[slot];
        if (side == Side.Buy)
        {
            s.Inventory += quantity;
            Cash[slot] -= price * quantity;
        }
        else
        {
            s.Inventory -= quantity;
            Cash[slot] += price * quantity;
        }
    }

    /// <summary>
    /// A trade in which this agent's resting order <paramref name="orderId"/> (on <paramref name="side"/>) was the maker,
    /// at <paramref name="logIndex"/>. The position always moves; the order's remaining size shrinks only for trades
    /// after the report it was last set from, since that report already counted the earlier ones.
    /// </summary>
    public void MakerFill(int slot, ulong orderId, Side side, long price, long quantity, ulong logIndex)
    {
        lock (Gate)
        {
            Book(slot, side, price, quantity);
            var open = Slots[slot].Open;
            var i = open.FindIndex(o => o.OrderId == orderId);
            if (i >= 0 && logIndex > open[i].AsOfIndex)
            {
                var remaining = open[i].Remaining - quantity;
                // Believed filled: the strategy stops seeing it; a late fill still finds the agent through the directory.
                if (remaining <= 0) { open.RemoveAt(i); } else { open[i] = open[i] with { Remaining = remaining }; }
            }
        }
    }
}

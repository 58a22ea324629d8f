using Raftex.Agents.Strategies;

namespace Raftex.Agents;

/// <summary>
/// Which agent owns each resting order of this process, by exchange order id, so a trade on the market-data stream
/// finds its maker. The stream and an order's own report travel on different connections, so a trade may name an
/// order before its report arrives: such fills wait here until the order registers. Orders that left the book stay
/// known for a grace period, because trades that happened before they left can still be on their way. Both waits are
/// bounded in time, which bounds memory: what no agent claims within the grace belonged to someone else.
/// </summary>
internal sealed class OrderDirectory(TimeProvider time, TimeSpan grace)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, Entry> _orders = [];
    private readonly Dictionary<ulong, Pending> _pending = [];

    /// <summary>Orders known (live or in their grace period).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _orders.Count;
            }
        }
    }

    /// <summary>Fills waiting for an owner.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Records that <paramref name="agent"/> rests <paramref name="orderId"/> on its <paramref name="slot"/>, and hands over any fills that arrived first.</summary>
    public void Register(ulong orderId, Agent agent, int slot, Side side, FleetStats stats)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(stats);
        Pending? early;
        lock (_gate)
        {
            _orders[orderId] = new Entry(agent, slot, side, 0);
            _pending.Remove(orderId, out early);
        }

        foreach (var (price, quantity, logIndex) in early?.Fills ?? [])
        {
            agent.MakerFill(slot, orderId, side, price, quantity, logIndex);
            stats.Fill(agent.Entry, maker: true);
        }
    }

    /// <summary>The order left the book (cancelled, fully filled, or unknown to the exchange); it is forgotten after the grace period.</summary>
    public void Retire(ulong orderId)
    {
        lock (_gate)
        {
            if (_orders.TryGetValue(orderId, out var e) && e.RetiredAt == 0)
            {
                _orders[orderId] = e with { RetiredAt = time.GetTimestamp() };
            }
        }
    }

    /// <summary>A trade whose maker is <paramref name="orderId"/>: booked to its agent, or kept until the order registers.</summary>
    public void MakerFill(ulong orderId, long price, long quantity, ulong logIndex, FleetStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        Entry entry;
        lock (_gate)
        {
            if (!_orders.TryGetValue(orderId, out entry))
            {
                if (!_pending.TryGetValue(orderId, out var p))
                {
                    _pending[orderId] = p = new Pending(time.GetTimestamp(), []);
                }

                p.Fills.Add((price, quantity, logIndex));
                return;
            }
        }

        entry.Agent.MakerFill(entry.Slot, orderId, entry.Side, price, quantity, logIndex);
        stats.Fill(entry.Agent.Entry, maker: true);
    }

    /// <summary>Forgets retired orders and unclaimed fills older than the grace period.</summary>
    public void Prune()
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            foreach (var (id, e) in _orders)
            {
                if (e.RetiredAt != 0 && time.GetElapsedTime(e.RetiredAt, now) > grace)
                {
                    _orders.Remove(id);
                }
            }

            foreach (var (id, p) in _pending)
            {
                if (time.GetElapsedTime(p.Since, now) > grace)
                {
                    _pending.Remove(id);
                }
            }
        }
    }

    private readonly record struct Entry(Agent Agent, int Slot, Side Side, long RetiredAt);

    private sealed record Pending(long Since, List<(long Price, long Quantity, ulong LogIndex)> Fills);
}

using Raftex.Exchange;

namespace Raftex.Node;

/// <summary>The most recent trades this node applied, per instrument, for StreamTrades; waiters are woken on new trades.</summary>
internal sealed class TradeLog
{
    public const int Capacity = 8192;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<(Trade Trade, long LogIndex)>> _byInstrument = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(ReadOnlySpan<Trade> trades, long logIndex)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            foreach (var t in trades)
            {
                if (!_byInstrument.TryGetValue(t.Instrument, out var list))
                {
                    _byInstrument[t.Instrument] = list = [];
                }

                list.Add((t, logIndex));
                if (list.Count > Capacity * 2)
                {
                    list.RemoveRange(0, Capacity);
                }
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Trades of an instrument with sequence ≥ from, and a task that completes when more arrive.</summary>
    public (List<(Trade Trade, long LogIndex)> Trades, Task Changed) Since(int instrument, long fromSequence)
    {
        lock (_gate)
        {
            var result = new List<(Trade, long)>();
            if (_byInstrument.TryGetValue(instrument, out var list))
            {
                foreach (var t in list)
                {
                    if (t.Trade.Sequence >= fromSequence)
                    {
                        result.Add(t);
                    }
                }
            }

            return (result, _changed.Task);
        }
    }

    /// <summary>The sequence after the newest trade of the instrument (where "only new trades" starts).</summary>
    public long NextSequence(int instrument)
    {
        lock (_gate)
        {
            return _byInstrument.TryGetValue(instrument, out var list) && list.Count > 0 ? list[^1].Trade.Sequence + 1 : 0;
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Raftex.Agents;

/// <summary>
/// Counts of what the agents did, per strategy entry, kept twice on purpose: as OpenTelemetry instruments for
/// <c>/metrics</c> and as plain counters for the live progress line and the final summary.
/// </summary>
internal sealed class FleetStats
{
    /// <summary>Bucket boundaries in seconds, 50 µs to 10 s (OpenTelemetry's defaults are meant for milliseconds).</summary>
    public static readonly double[] SecondsBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly int Outcomes = Enum.GetValues<OrderOutcome>().Length;
    private readonly string[] _entries;
    private readonly long[] _orders;
    private readonly long[] _makerFills;
    private readonly long[] _takerFills;
    private readonly KeyValuePair<string, object?>[][] _outcomeTags;
    private readonly KeyValuePair<string, object?>[][] _fillTags;
    private readonly KeyValuePair<string, object?>[] _strategyTags;
    private readonly Counter<long> _orderCounter;
    private readonly Counter<long> _fillCounter;
    private readonly Histogram<double> _latency;

    public FleetStats(Meter meter, IReadOnlyList<string> entryNames)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(entryNames);
        _entries = [.. entryNames];
        _orders = new long[_entries.Length * Outcomes];
        _makerFills = new long[_entries.Length];
        _takerFills = new long[_entries.Length];
        _outcomeTags = [.. Enumerable.Range(0, _orders.Length).Select(i => new KeyValuePair<string, object?>[]
        {
            new("strategy", _entries[i / Outcomes]), new("outcome", ((OrderOutcome)(i % Outcomes)).ToString().ToLowerInvariant()),
        })];
        _fillTags = [.. Enumerable.Range(0, _entries.Length * 2).Select(i => new KeyValuePair<string, object?>[]
        {
            new("strategy", _entries[i / 2]), new("role", i % 2 == 0 ? "maker" : "taker"),
        })];
        _strategyTags = [.. _entries.Select(e => new KeyValuePair<string, object?>("strategy", e))];
        _orderCounter = meter.CreateCounter<long>("raftex_agents_orders", description: "Commands the agents sent (orders, replaces, cancels), by strategy and outcome");
        _fillCounter = meter.CreateCounter<long>("raftex_agents_fills", description: "Fills of the agents' orders, by strategy and role (maker, taker)");
        _latency = meter.CreateHistogram<double>("raftex_agents_order_latency_seconds", "s", "From sending a command to its execution report");
    }

    /// <summary>Strategy entry names, as metrics label them.</summary>
    public IReadOnlyList<string> Entries => _entries;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Rejections by the engine's reason name.</summary>
    public ConcurrentDictionary<string, long> RejectReasons { get; } = new(StringComparer.Ordinal);

    public void Order(int entry, OrderOutcome outcome, TimeSpan latency, string? rejectReason = null)
    {
        var i = (entry * Outcomes) + (int)outcome;
        Interlocked.Increment(ref _orders[i]);
        _orderCounter.Add(1, _outcomeTags[i]);
        _latency.Record(latency.TotalSeconds, _strategyTags[entry]);
        Latency.Record(latency);
        if (rejectReason is not null)
        {
            RejectReasons.AddOrUpdate(rejectReason, 1, (_, n) => n + 1);
        }
    }

    public void Fill(int entry, bool maker)
    {
        Interlocked.Increment(ref (maker ? ref _makerFills[entry] : ref _takerFills[entry]));
        _fillCounter.Add(1, _fillTags[(entry * 2) + (maker ? 0 : 1)]);
    }

    public long Orders(int entry, OrderOutcome outcome) => Interlocked.Read(ref _orders[(entry * Outcomes) + (int)outcome]);

    public long Orders(int entry)
    {
        long n = 0;
        for (var o = 0; o < Outcomes; o++)
        {
            n += Interlocked.Read(ref _orders[(entry * Outcomes) + o]);
        }

        return n;
    }

    public long MakerFills(int entry) => Interlocked.Read(ref _makerFills[entry]);

    public long TakerFills(int entry) => Interlocked.Read(ref _takerFills[entry]);

    /// <summary>Every command sent, all strategies.</summary>
    public long TotalOrders => Enumerable.Range(0, _entries.Length).Sum(Orders);

    public long Total(OrderOutcome outcome) => Enumerable.Range(0, _entries.Length).Sum(e => Orders(e, outcome));

    public long TotalFills => Enumerable.Range(0, _entries.Length).Sum(e => MakerFills(e) + TakerFills(e));
}

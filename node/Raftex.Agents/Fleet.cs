using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Raftex.Agents.Strategies;
using Raftex.Client;
using Raftex.Protocol.V1;
using AgentSide = Raftex.Agents.Strategies.Side;

namespace Raftex.Agents;

/// <summary>
/// A run of many agents in one process: funds every account with idempotent deposits, starts one market feed per
/// symbol, then runs each agent as an async loop (no thread per agent) that decides at its rate and sends its actions
/// over a few shared order sessions. At the end it stops the loops without abandoning a command in flight, cancels
/// what still rests, waits for the trade stream to catch up with the last fill it was told of, and sums up.
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    private const int FundingConcurrency = 128;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset IdEpoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly List<string> _symbols;
    private readonly List<Agent> _agents = [];
    private readonly List<(StrategyEntry Entry, int First, int Count)> _entries = [];
    private readonly ExchangeClient _client;
    private readonly OrderSessionClient[] _sessions;
    private readonly OrderDirectory _directory;
    private readonly ulong[] _lastTakerIndex;
    private MarketFeed[] _feeds = [];
    private int _running;

    public Fleet(AgentOptions options, Meter meter, TimeProvider? time = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentNullException.ThrowIfNull(meter);
        _time = time ?? TimeProvider.System;
        _symbols = [.. options.Symbols];
        foreach (var symbol in options.Strategies.SelectMany(options.SymbolsOf))
        {
            if (!_symbols.Contains(symbol))
            {
                _symbols.Add(symbol);
            }
        }

        _lastTakerIndex = new ulong[_symbols.Count];
        var idStamp = (ulong)(_time.GetUtcNow() - IdEpoch).TotalSeconds;
        var names = new List<string>();
        foreach (var entry in options.Strategies)
        {
            var strategy = entry.CreateStrategy();
            var name = StrategyEntry.NameOf(entry.Kind);
            var repeat = names.Count(n => n == name || n.StartsWith(name + "-", StringComparison.Ordinal));
            names.Add(repeat == 0 ? name : $"{name}-{repeat + 1}");
            var symbols = strategy.SymbolsPerAgent == 2
                ? [_symbols.IndexOf(options.ArbitragePair(entry).First), _symbols.IndexOf(options.ArbitragePair(entry).Second)]
                : options.SymbolsOf(entry).Select(s => _symbols.IndexOf(s)).ToArray();
            _entries.Add((entry, _agents.Count, entry.Count));
            for (var i = 0; i < entry.Count; i++)
            {
                var index = _agents.Count;
                // One symbol per agent, round robin over the entry's symbols; an arbitrageur trades its pair.
                int[] mine = strategy.SymbolsPerAgent == 2 ? symbols : [symbols[i % symbols.Length]];
                _agents.Add(new Agent(index, options.AccountBase + (ulong)index, _entries.Count - 1, strategy, mine, options.Seed, idStamp));
            }
        }

        Stats = new FleetStats(meter, names);
        var token = options.TokenFile is null ? null : File.ReadAllText(options.TokenFile).Trim();
        var clientOptions = new ExchangeClientOptions { Addresses = options.Cluster, Token = token };
        _client = new ExchangeClient(clientOptions);
        _sessions = [.. Enumerable.Range(0, options.Sessions).Select(_ => new OrderSessionClient(clientOptions))];
        _directory = new OrderDirectory(_time, TimeSpan.FromSeconds(30));
        meter.CreateObservableGauge("raftex_agents_running", () => Volatile.Read(ref _running), description: "Agents whose decision loop is running");
        meter.CreateObservableGauge("raftex_agents_pnl_quote_units", ObservePnl, description: "Profit and loss per strategy: quote received minus paid plus inventory at the last price, in quote units");
        meter.CreateObservableGauge("raftex_agents_inventory_lots", ObserveInventory, description: "Net lots bought minus sold since the start, per strategy and symbol");
    }

    public FleetStats Stats { get; }

    public IReadOnlyList<Agent> Agents => _agents;

    public IReadOnlyList<string> Symbols => _symbols;

    /// <summary>Agents whose decision loop is running.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>The phase the run is in, for the progress line.</summary>
    public string Phase { get; private set; } = "starting";

    /// <summary>Whether the agents are trading now (the pod's readiness).</summary>
    public bool IsTrading => Phase == "trading";

    /// <summary>Orders the directory knows (resting, or in their grace period).</summary>
    public int KnownOrders => _directory.Count;

    /// <summary>Funds, trades until <paramref name="stop"/> fires or the duration passes, then settles and returns the summary.</summary>
    public async Task<RunSummary> RunAsync(CancellationToken stop)
    {
        if (await _client.DiscoverLeaderAsync(stop).ConfigureAwait(false) is null)
        {
            throw new FleetException($"no leader answered at {string.Join(", ", _options.Cluster)}");
        }

        Phase = "funding";
        var fundedIndex = await FundAsync(stop).ConfigureAwait(false);
        var window = Math.Max(64, _options.Strategies.Select(e => e.CreateStrategy()).OfType<MomentumStrategy>().Select(m => m.Window).DefaultIfEmpty(0).Max());
        _feeds = [.. _symbols.Select(s => new MarketFeed(s, _options.Prices[s], window, _client, _directory, Stats, fundedIndex))];
        foreach (var feed in _feeds)
        {
            await feed.StartAsync(stop).ConfigureAwait(false);
        }

        using var feeding = new CancellationTokenSource();
        var feedTasks = _feeds.SelectMany(f => new[] { f.StreamAsync(feeding.Token), f.PollAsync(_options.BookInterval, feeding.Token) }).ToList();
        foreach (var session in _sessions)
        {
            await session.OpenAsync(stop).ConfigureAwait(false);
        }

        Phase = "trading";
        var started = _time.GetTimestamp();
        using var trading = CancellationTokenSource.CreateLinkedTokenSource(stop);
        if (_options.Duration is { } duration)
        {
            trading.CancelAfter(duration);
        }

        await Task.WhenAll(_agents.Select(a => RunAgentAsync(a, trading.Token))).ConfigureAwait(false);
        var elapsed = _time.GetElapsedTime(started);
        var traded = Stats.TotalOrders;

        if (_options.CancelOnExit)
        {
            Phase = "cancelling";
            await Task.WhenAll(_agents.Select(CancelRestingAsync)).ConfigureAwait(false);
        }

        Phase = "settling";
        await SettleAsync().ConfigureAwait(false);
        await feeding.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(feedTasks).ConfigureAwait(false);
        Phase = "done";
        return Summarize(elapsed, traded, fundedIndex);
    }

    private async Task<ulong> FundAsync(CancellationToken ct)
    {
        var assets = new List<(string Asset, long Amount)>();
        foreach (var symbol in _symbols)
        {
            var (b, q) = SymbolName.Split(symbol);
            if (!assets.Exists(a => a.Asset == b)) { assets.Add((b, _options.FundsOf(b, isQuote: false))); }
            if (!assets.Exists(a => a.Asset == q)) { assets.Add((q, _options.FundsOf(q, isQuote: true))); }
        }

        // A base asset that is also some symbol's quote is funded as a quote asset.
        var quotes = _symbols.Select(s => SymbolName.Split(s).Quote).ToHashSet(StringComparer.Ordinal);
        assets = [.. assets.Select(a => (a.Asset, _options.FundsOf(a.Asset, quotes.Contains(a.Asset))))];
        using var gate = new SemaphoreSlim(FundingConcurrency);
        ulong highest = 0;
        var deposits = _agents.SelectMany(agent => assets.Where(a => a.Amount > 0).Select(async a =>
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                CommandReply reply;
                try
                {
                    reply = await _client.DepositAsync(new TransferRequest { Account = agent.Account, TransactionId = TransactionId(a.Asset), Asset = a.Asset, Amount = a.Amount }, ct).ConfigureAwait(false);
                }
                catch (RpcException e)
                {
                    throw new FleetException($"deposit of {a.Amount} {a.Asset} to account {agent.Account} failed: {e.StatusCode}: {e.Status.Detail}");
                }

                if (reply.Outcome != Outcome.Deposited)
                {
                    throw new FleetException($"deposit of {a.Amount} {a.Asset} to account {agent.Account} was {reply.Outcome}: {reply.RejectReasonName}");
                }

                InterlockedMax(ref highest, reply.LogIndex);
            }
            finally
            {
                gate.Release();
            }
        })).ToList();
        await Task.WhenAll(deposits).ConfigureAwait(false);
        return highest;
    }

    /// <summary>One deposit per account and asset, ever: the id comes from the asset's name (FNV-1a), so a restarted agent is not funded twice.</summary>
    internal static ulong TransactionId(string asset)
    {
        var h = 14695981039346656037UL;
        foreach (var c in asset)
        {
            h = unchecked((h ^ c) * 1099511628211UL);
        }

        return (h >> 1) | 1;
    }

    private async Task RunAgentAsync(Agent agent, CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1 / _options.Rate);
        var views = new MarketView[agent.Symbols.Length];
        var actions = new List<AgentAction>(4);
        Interlocked.Increment(ref _running);
        try
        {
            // Spread the agents' first decisions over one interval so they do not all fire at once.
            var next = _time.GetTimestamp() + (long)(interval.TotalSeconds * agent.Random.NextDouble() * Stopwatch.Frequency);
            while (true)
            {
                var wait = _time.GetElapsedTime(_time.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, _time, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                if (stop.IsCancellationRequested)
                {
                    return;
                }

                actions.Clear();
                lock (agent.Gate)
                {
                    for (var i = 0; i < views.Length; i++)
                    {
                        views[i] = _feeds[agent.Symbols[i]].View;
                    }

                    agent.Strategy.Decide(views, agent.Slots, ref agent.Random, actions);
                }

                // Commands already decided are sent and awaited even when the run is stopping: abandoning one whose
                // report never arrives would lose its fills from the agent's position.
                foreach (var action in actions)
                {
                    await ExecuteAsync(agent, action).ConfigureAwait(false);
                }

                // The rate limit counts orders, not decisions; an agent that fell behind does not burst to catch up.
                next += (long)(interval.TotalSeconds * Math.Max(1, actions.Count) * Stopwatch.Frequency);
                next = Math.Max(next, _time.GetTimestamp() - (long)(interval.TotalSeconds * Stopwatch.Frequency));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task CancelRestingAsync(Agent agent)
    {
        List<AgentAction> cancels;
        lock (agent.Gate)
        {
            cancels = [.. agent.Slots.SelectMany((s, slot) => s.Open.Select(o => AgentAction.Cancel(slot, o)))];
        }

        foreach (var cancel in cancels)
        {
            await ExecuteAsync(agent, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one action and books its report.</summary>
    internal async Task ExecuteAsync(Agent agent, AgentAction action)
    {
        var symbol = _symbols[agent.Symbols[action.Slot]];
        var id = agent.NextId();
        var command = new SessionCommand();
        switch (action.Kind)
        {
            case ActionKind.Limit or ActionKind.LimitIoc or ActionKind.Market:
                command.Submit = new SubmitOrderRequest
                {
                    Account = agent.Account,
                    ClientOrderId = id,
                    Symbol = symbol,
                    Side = action.Side == AgentSide.Buy ? OrderSide.Buy : OrderSide.Sell,
                    Kind = action.Kind == ActionKind.Market ? OrderKind.Market : OrderKind.Limit,
                    TimeInForce = action.Kind == ActionKind.Limit ? TimeInForce.Gtc : TimeInForce.Ioc,
                    Price = action.Price,
                    Quantity = action.Quantity,
                };
                break;
            case ActionKind.Replace:
                OpenOrder? target;
                lock (agent.Gate)
                {
                    target = agent.Slots[action.Slot].Open.Find(o => o.ClientOrderId == action.Target);
                }

                if (target is null)
                {
                    // Filled since the decision: nothing left to move.
                    return;
                }

                command.Replace = new ReplaceOrderRequest
                {
                    Account = agent.Account,
                    ClientOrderId = id,
                    OrigClientOrderId = action.Target,
                    Price = action.Price,
                    Quantity = target.Filled + action.Quantity,
                };
                break;
            case ActionKind.Cancel:
                command.Cancel = new CancelOrderRequest { Account = agent.Account, RequestId = id, OrigClientOrderId = action.Target };
                break;
        }

        var started = _time.GetTimestamp();
        ExecutionReport report;
        try
        {
            report = await _sessions[agent.Index % _sessions.Length].SendAsync(command).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or TimeoutException or ObjectDisposedException)
        {
            Stats.Order(agent.Entry, OrderOutcome.Error, _time.GetElapsedTime(started));
            return;
        }

        var latency = _time.GetElapsedTime(started);
        if (report.ErrorCode != 0)
        {
            Stats.Order(agent.Entry, OrderOutcome.Error, latency);
            return;
        }

        Book(agent, action, id, command.Replace?.Quantity ?? action.Quantity, report.Reply, latency);
    }

    private void Book(Agent agent, AgentAction action, ulong id, long quantity, CommandReply reply, TimeSpan latency)
    {
        var slot = agent.Slots[action.Slot];
        var symbol = agent.Symbols[action.Slot];
        lock (agent.Gate)
        {
            foreach (var fill in reply.Fills)
            {
                agent.Book(action.Slot, action.Side, fill.Price, fill.Quantity);
                Stats.Fill(agent.Entry, maker: false);
                InterlockedMax(ref _lastTakerIndex[symbol], reply.LogIndex);
            }

            var i = action.Kind is ActionKind.Replace or ActionKind.Cancel ? slot.Open.FindIndex(o => o.ClientOrderId == action.Target) : -1;
            switch (reply.Outcome)
            {
                case Outcome.Accepted when action.Kind == ActionKind.Limit && reply.RemainingQuantity > 0:
                    slot.Open.Add(new OpenOrder(reply.OrderId, id, action.Side, action.Price, quantity, reply.RemainingQuantity, reply.LogIndex));
                    break;
                case Outcome.Replaced when i >= 0 && reply.RemainingQuantity > 0:
                    slot.Open[i] = slot.Open[i] with { ClientOrderId = id, Price = action.Price, Quantity = quantity, Remaining = reply.RemainingQuantity, AsOfIndex = reply.LogIndex };
                    break;
                case Outcome.Replaced or Outcome.Cancelled when i >= 0:
                    _directory.Retire(slot.Open[i].OrderId);
                    slot.Open.RemoveAt(i);
                    break;
                case Outcome.Rejected when i >= 0 && reply.RejectReasonName == "UnknownOrder":
                    // Filled or gone before the command arrived.
                    _directory.Retire(slot.Open[i].OrderId);
                    slot.Open.RemoveAt(i);
                    break;
                default:
                    break;
            }
        }

        // Registered outside the agent's lock: fills that reached the directory first are booked under it.
        if (reply.Outcome == Outcome.Accepted && action.Kind == ActionKind.Limit && reply.RemainingQuantity > 0)
        {
            _directory.Register(reply.OrderId, agent, action.Slot, action.Side, Stats);
        }

        var outcome = reply.Outcome switch
        {
            Outcome.Accepted => OrderOutcome.Accepted,
            Outcome.Rejected => OrderOutcome.Rejected,
            Outcome.Cancelled => OrderOutcome.Cancelled,
            Outcome.Replaced => OrderOutcome.Replaced,
            _ => OrderOutcome.Error,
        };
        Stats.Order(agent.Entry, outcome, latency, outcome == OrderOutcome.Rejected ? reply.RejectReasonName : null);
    }

    /// <summary>Waits (bounded) until every feed's stream has delivered the newest trade an agent took part in as taker.</summary>
    private async Task SettleAsync()
    {
        var deadline = _time.GetTimestamp() + (long)(SettleTimeout.TotalSeconds * Stopwatch.Frequency);
        for (var s = 0; s < _feeds.Length; s++)
        {
            while (_feeds[s].LastLogIndex < Volatile.Read(ref _lastTakerIndex[s]) && _time.GetTimestamp() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), _time).ConfigureAwait(false);
            }
        }
    }

    private RunSummary Summarize(TimeSpan elapsed, long traded, ulong fundedIndex)
    {
        var marks = _feeds.ToDictionary(f => f.Symbol, f => f.View.LastPrice, StringComparer.Ordinal);
        var strategies = new List<StrategySummary>();
        for (var e = 0; e < _entries.Count; e++)
        {
            var (_, first, count) = _entries[e];
            var (pnl, inventory) = Position(e, marks);
            strategies.Add(new StrategySummary
            {
                Strategy = Stats.Entries[e],
                Agents = count,
                FirstAccount = _agents[first].Account,
                LastAccount = _agents[first + count - 1].Account,
                Orders = Stats.Orders(e),
                Rejects = Stats.Orders(e, OrderOutcome.Rejected),
                MakerFills = Stats.MakerFills(e),
                TakerFills = Stats.TakerFills(e),
                Pnl = pnl,
                Inventory = inventory,
            });
        }

        GC.Collect();
        return new RunSummary
        {
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 3),
            Agents = _agents.Count,
            Orders = Stats.TotalOrders,
            OrdersPerSecond = Math.Round(traded / Math.Max(elapsed.TotalSeconds, 0.001), 1),
            Accepted = Stats.Total(OrderOutcome.Accepted),
            Rejects = Stats.Total(OrderOutcome.Rejected),
            Cancelled = Stats.Total(OrderOutcome.Cancelled),
            Replaced = Stats.Total(OrderOutcome.Replaced),
            Errors = Stats.Total(OrderOutcome.Error),
            Fills = Stats.TotalFills,
            Trades = strategies.Sum(s => s.TakerFills),
            LatencyP50Ms = Math.Round(Stats.Latency.QuantileMs(0.50), 3),
            LatencyP99Ms = Math.Round(Stats.Latency.QuantileMs(0.99), 3),
            RejectReasons = new SortedDictionary<string, long>(Stats.RejectReasons, StringComparer.Ordinal),
            Marks = marks,
            FundedIndex = fundedIndex,
            HeapBytes = GC.GetTotalMemory(forceFullCollection: true),
            Strategies = strategies,
        };
    }

    /// <summary>PnL and inventory per symbol of strategy entry <paramref name="entry"/>, marked at <paramref name="marks"/>.</summary>
    private (long Pnl, SortedDictionary<string, long> Inventory) Position(int entry, IReadOnlyDictionary<string, long> marks)
    {
        var (_, first, count) = _entries[entry];
        long pnl = 0;
        var inventory = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var a = first; a < first + count; a++)
        {
            var agent = _agents[a];
            lock (agent.Gate)
            {
                for (var s = 0; s < agent.Slots.Length; s++)
                {
                    var symbol = _symbols[agent.Symbols[s]];
                    var lots = agent.Slots[s].Inventory;
                    pnl += agent.Cash[s] + (lots * marks[symbol]);
                    inventory[symbol] = inventory.GetValueOrDefault(symbol) + lots;
                }
            }
        }

        return (pnl, inventory);
    }

    private IEnumerable<Measurement<long>> ObservePnl()
    {
        var marks = _feeds.ToDictionary(f => f.Symbol, f => f.View.LastPrice, StringComparer.Ordinal);
        for (var e = 0; e < _entries.Count && marks.Count == _symbols.Count; e++)
        {
            yield return new Measurement<long>(Position(e, marks).Pnl, new KeyValuePair<string, object?>("strategy", Stats.Entries[e]));
        }
    }

    private IEnumerable<Measurement<long>> ObserveInventory()
    {
        var marks = _feeds.ToDictionary(f => f.Symbol, f => f.View.LastPrice, StringComparer.Ordinal);
        for (var e = 0; e < _entries.Count && marks.Count == _symbols.Count; e++)
        {
            foreach (var (symbol, lots) in Position(e, marks).Inventory)
            {
                yield return new Measurement<long>(lots, new KeyValuePair<string, object?>("strategy", Stats.Entries[e]), new KeyValuePair<string, object?>("symbol", symbol));
            }
        }
    }

    private static void InterlockedMax(ref ulong target, ulong value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }
}

using Grpc.Core;
using Raftex.Agents.Strategies;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Agents;

/// <summary>
/// The market data of one symbol shared by every agent that trades it: a trade stream (last price, recent prices,
/// and maker fills for the directory) and a periodic top-of-book read. Agents read <see cref="View"/>, an immutable
/// snapshot republished on every book read, so thousands of agents cost one stream and one read per interval.
/// </summary>
internal sealed class MarketFeed(string symbol, long startingPrice, int window, ExchangeClient client, OrderDirectory directory, FleetStats stats, ulong fundedIndex)
{
    private readonly Lock _gate = new();
    private readonly long[] _recent = new long[window];
    private int _recentCount;
    private int _recentHead;
    private long _lastPrice;
    private ulong _lastLogIndex;
    private long _tradesSeen;
    private volatile MarketView _view = new(0, 0, startingPrice, []);

    public string Symbol => symbol;

    public MarketView View => _view;

    /// <summary>Log index of the newest trade the stream delivered.</summary>
    public ulong LastLogIndex
    {
        get
        {
            lock (_gate)
            {
                return _lastLogIndex;
            }
        }
    }

    /// <summary>Trades after the funding index that the stream delivered.</summary>
    public long TradesSeen => Interlocked.Read(ref _tradesSeen);

    /// <summary>Reads the book once, so the first decisions see it; throws <see cref="FleetException"/> if the cluster does not list the symbol.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadBookAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            throw new FleetException($"symbol {symbol}: {e.Status.Detail}");
        }
    }

    /// <summary>Follows the trade stream until cancelled (from the first sequence the node still holds).</summary>
    public async Task StreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var trade in client.StreamTradesAsync(symbol, 1, cancellationToken).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    _recent[_recentHead] = trade.Price;
                    _recentHead = (_recentHead + 1) % _recent.Length;
                    _recentCount = Math.Min(_recentCount + 1, _recent.Length);
                    _lastPrice = trade.Price;
                    _lastLogIndex = Math.Max(_lastLogIndex, trade.LogIndex);
                }

                // Trades before the agents were funded cannot involve their orders.
                if (trade.LogIndex > fundedIndex)
                {
                    Interlocked.Increment(ref _tradesSeen);
                    directory.MakerFill(trade.MakerOrderId, trade.Price, trade.Quantity, trade.LogIndex, stats);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>Reads the top of the book every <paramref name="interval"/> and republishes the view, until cancelled.</summary>
    public async Task PollAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await ReadBookAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (RpcException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The client already retried across nodes within its budget; the agents keep the last view meanwhile.
                }

                directory.Prune();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task ReadBookAsync(CancellationToken cancellationToken)
    {
        var book = await client.GetOrderBookAsync(new GetOrderBookRequest { Symbol = symbol, Depth = 1, Stale = true }, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var recent = new long[_recentCount];
            for (var i = 0; i < _recentCount; i++)
            {
                recent[i] = _recent[(_recentHead - _recentCount + i + _recent.Length) % _recent.Length];
            }

            var last = _lastPrice > 0 ? _lastPrice : book.LastTradePrice > 0 ? book.LastTradePrice : startingPrice;
            _view = new MarketView(book.Bids.Count > 0 ? book.Bids[0].Price : 0, book.Asks.Count > 0 ? book.Asks[0].Price : 0, last, recent);
        }
    }
}

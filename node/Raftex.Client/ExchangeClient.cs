using System.Runtime.CompilerServices;
using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Client;

/// <summary>
/// The unary exchange API over any subset of the nodes: learns the leader and sends writes there (any node would forward),
/// retries across leader changes and unreachable nodes with the same ids — so a retry never creates a second order or
/// moves funds twice — and honours the caller's cancellation and the configured deadlines.
/// </summary>
public sealed class ExchangeClient : IDisposable
{
    private readonly ExchangeClientOptions _options;
    private readonly NodeChannels _channels;
    private volatile string? _leader;

    public ExchangeClient(ExchangeClientOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _channels = new NodeChannels(options);
    }

    /// <summary>The client address of the node believed to lead (null until learnt).</summary>
    public string? Leader => _leader;

    /// <summary>Attempts that failed and were retried (for tests and load generators).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    private long _retries;

    public Task<CommandReply> SubmitOrderAsync(SubmitOrderRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync((c, o) => c.SubmitOrderAsync(request, o), cancellationToken);

    public Task<CommandReply> CancelOrderAsync(CancelOrderRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync((c, o) => c.CancelOrderAsync(request, o), cancellationToken);

    public Task<CommandReply> ReplaceOrderAsync(ReplaceOrderRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync((c, o) => c.ReplaceOrderAsync(request, o), cancellationToken);

    public Task<CommandReply> DepositAsync(TransferRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync((c, o) => c.DepositAsync(request, o), cancellationToken);

    public Task<CommandReply> WithdrawAsync(TransferRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync((c, o) => c.WithdrawAsync(request, o), cancellationToken);

    public Task<OrderBook> GetOrderBookAsync(GetOrderBookRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync((c, o) => c.GetOrderBookAsync(request, o), cancellationToken);

    public Task<Account> GetAccountAsync(GetAccountRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync((c, o) => c.GetAccountAsync(request, o), cancellationToken);

    /// <summary>
    /// Trades of <paramref name="symbol"/> from market-data sequence <paramref name="fromSequence"/> on (0: only new ones),
    /// as the node serving the stream applies them. A broken or ended stream is resumed on the next node from the sequence
    /// after the last trade delivered, so a node going away loses nothing its successor's recent-trade ring still holds.
    /// An unknown symbol or a refused token ends the enumeration with the node's error.
    /// </summary>
    public async IAsyncEnumerable<TradeEvent> StreamTradesAsync(string symbol, ulong fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = fromSequence;
        var backoff = _options.Backoff;
        while (true)
        {
            var client = new Exchange.ExchangeClient(_channels.Invoker(_leader ?? _channels.NextAddress()));
            using var call = client.StreamTrades(new StreamTradesRequest { Symbol = symbol, FromSequence = next }, cancellationToken: cancellationToken);
            while (true)
            {
                bool moved;
                try
                {
                    moved = await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
                }
                catch (RpcException ex) when (IsRetryable(ex.StatusCode) && !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _retries);
                    _leader = null;
                    moved = false;
                }

                if (!moved)
                {
                    break;
                }

                var trade = call.ResponseStream.Current;
                next = trade.Sequence + 1;
                backoff = _options.Backoff;
                yield return trade;
            }

            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff = backoff * 2 > _options.Backoff * 16 ? backoff : backoff * 2;
        }
    }

    /// <summary>Asks nodes who leads until one knows; returns the leader's client address (null if none answered in the budget).</summary>
    public async Task<string?> DiscoverLeaderAsync(CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + _options.RetryBudget;
        var backoff = _options.Backoff;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var address in _channels.Addresses)
            {
                try
                {
                    var client = new Exchange.ExchangeClient(_channels.Invoker(address));
                    var info = await client.GetLeaderAsync(new GetLeaderRequest(), new CallOptions(deadline: DateTime.UtcNow + _options.AttemptTimeout, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    if (info.LeaderId != 0)
                    {
                        _leader = info.LeaderAddress.Length > 0 ? NodeChannels.Normalize(info.LeaderAddress) : address;
                        return _leader;
                    }
                }
                catch (RpcException ex) when (IsRetryable(ex.StatusCode))
                {
                }
            }

            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff = backoff * 2 > _options.Backoff * 16 ? backoff : backoff * 2;
        }

        return null;
    }

    private async Task<T> WriteAsync<T>(Func<Exchange.ExchangeClient, CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.RetryBudget;
        var backoff = _options.Backoff;
        var address = _leader ?? _channels.NextAddress();
        while (true)
        {
            var attemptDeadline = DateTime.UtcNow + _options.AttemptTimeout;
            if (attemptDeadline > deadline)
            {
                attemptDeadline = deadline;
            }

            try
            {
                var client = new Exchange.ExchangeClient(_channels.Invoker(address));
                var result = await call(client, new CallOptions(deadline: attemptDeadline, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return result;
            }
            catch (RpcException ex) when (IsRetryable(ex.StatusCode) && !cancellationToken.IsCancellationRequested && DateTime.UtcNow + backoff < deadline)
            {
                Interlocked.Increment(ref _retries);
                // The node may be down or no longer lead: find out who leads (cheap), else try the next node.
                _leader = null;
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 > _options.Backoff * 16 ? backoff : backoff * 2;
                address = await QuickLeaderAsync(address, cancellationToken).ConfigureAwait(false) ?? _channels.NextAddress();
            }
        }
    }

    private async Task<string?> QuickLeaderAsync(string failed, CancellationToken cancellationToken)
    {
        foreach (var address in _channels.Addresses)
        {
            if (address == failed)
            {
                continue;
            }

            try
            {
                var client = new Exchange.ExchangeClient(_channels.Invoker(address));
                var info = await client.GetLeaderAsync(new GetLeaderRequest(), new CallOptions(deadline: DateTime.UtcNow + _options.AttemptTimeout, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (info.LeaderId != 0 && info.LeaderAddress.Length > 0)
                {
                    _leader = NodeChannels.Normalize(info.LeaderAddress);
                    return _leader;
                }
            }
            catch (RpcException ex) when (IsRetryable(ex.StatusCode))
            {
            }
        }

        return null;
    }

    /// <summary>Failures after which the same request may be sent again (with the same ids it is idempotent).</summary>
    public static bool IsRetryable(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled;

    public void Dispose() => _channels.Dispose();
}

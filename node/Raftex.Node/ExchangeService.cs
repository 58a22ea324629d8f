using Grpc.Core;
using Raftex.Exchange;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>The unary exchange API: writes go through the <see cref="WriteRouter"/>, reads through ReadIndex unless stale.</summary>
internal sealed class ExchangeService(RaftHost host, WriteRouter router, CommandFactory commands, TokenAuthority auth, PeerDirectory directory, NodeOptions options)
    : Protocol.V1.Exchange.ExchangeBase
{
    public override Task<CommandReply> SubmitOrder(SubmitOrderRequest request, ServerCallContext context)
    {
        auth.RequireAccount(context, request.Account);
        return router.ExecuteAsync(commands.Submit(request), context.CancellationToken);
    }

    public override Task<CommandReply> CancelOrder(CancelOrderRequest request, ServerCallContext context)
    {
        auth.RequireAccount(context, request.Account);
        return router.ExecuteAsync(commands.Cancel(request), context.CancellationToken);
    }

    public override Task<CommandReply> ReplaceOrder(ReplaceOrderRequest request, ServerCallContext context)
    {
        auth.RequireAccount(context, request.Account);
        return router.ExecuteAsync(commands.Replace(request), context.CancellationToken);
    }

    public override Task<CommandReply> Deposit(TransferRequest request, ServerCallContext context)
    {
        auth.RequireAccount(context, request.Account);
        return router.ExecuteAsync(commands.Transfer(request, deposit: true), context.CancellationToken);
    }

    public override Task<CommandReply> Withdraw(TransferRequest request, ServerCallContext context)
    {
        auth.RequireAccount(context, request.Account);
        return router.ExecuteAsync(commands.Transfer(request, deposit: false), context.CancellationToken);
    }

    public override async Task<OrderBook> GetOrderBook(GetOrderBookRequest request, ServerCallContext context)
    {
        auth.Lookup(context);
        var instrument = commands.Instrument(request.Symbol);
        if (request.Depth > 1000)
        {
            throw CommandFactory.Invalid("depth must be at most 1000");
        }

        var depth = request.Depth == 0 ? 10 : (int)request.Depth;
        return await host.ReadAsync(request.Stale, (machine, applied) =>
        {
            var book = new OrderBook { Symbol = request.Symbol, AppliedIndex = (ulong)applied, LastTradePrice = machine.LastTradePrice(instrument) };
            foreach (var l in machine.Levels(instrument, Side.Buy, depth))
            {
                book.Bids.Add(new Protocol.V1.BookLevel { Price = l.Price, Quantity = l.Quantity, Orders = (uint)l.Orders });
            }

            foreach (var l in machine.Levels(instrument, Side.Sell, depth))
            {
                book.Asks.Add(new Protocol.V1.BookLevel { Price = l.Price, Quantity = l.Quantity, Orders = (uint)l.Orders });
            }

            return book;
        }, context.CancellationToken).ConfigureAwait(false);
    }

    public override async Task<Account> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        auth.RequireAccount(context, request.Account);
        if (request.Account == 0 || request.Account > long.MaxValue)
        {
            throw CommandFactory.Invalid("account must be in [1, 2^63)");
        }

        return await host.ReadAsync(request.Stale, (machine, applied) =>
        {
            var account = new Account { Account_ = request.Account, AppliedIndex = (ulong)applied };
            for (var a = 0; a < commands.Config.Assets.Count; a++)
            {
                var b = machine.Balance((long)request.Account, a);
                account.Balances.Add(new AssetBalance { Asset = commands.Config.Assets[a], Free = b.Free, Reserved = b.Reserved });
            }

            return account;
        }, context.CancellationToken).ConfigureAwait(false);
    }

    public override async Task StreamTrades(StreamTradesRequest request, IServerStreamWriter<TradeEvent> responseStream, ServerCallContext context)
    {
        auth.Lookup(context);
        var instrument = commands.Instrument(request.Symbol);
        var trades = host.Applier.Trades;
        var next = request.FromSequence == 0 ? trades.NextSequence(instrument) : (long)Math.Min(request.FromSequence, long.MaxValue);
        var ct = context.CancellationToken;
        while (!ct.IsCancellationRequested)
        {
            var (batch, changed) = trades.Since(instrument, next);
            foreach (var (t, index) in batch)
            {
                await responseStream.WriteAsync(new TradeEvent
                {
                    Symbol = request.Symbol,
                    TradeId = (ulong)t.TradeId,
                    Sequence = (ulong)t.Sequence,
                    Price = t.Price,
                    Quantity = t.Quantity,
                    MakerOrderId = (ulong)t.MakerOrderId,
                    TakerOrderId = (ulong)t.TakerOrderId,
                    AggressorSide = t.AggressorSide == Side.Buy ? OrderSide.Buy : OrderSide.Sell,
                    LogIndex = (ulong)index,
                }, ct).ConfigureAwait(false);
                next = t.Sequence + 1;
            }

            try
            {
                await changed.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override Task<LeaderInfo> GetLeader(GetLeaderRequest request, ServerCallContext context)
    {
        var view = host.View;
        var leaderAddress = view.Leader == options.NodeId ? options.ClientAddress : view.Leader != 0 ? directory.ClientAddress(view.Leader) ?? string.Empty : string.Empty;
        return Task.FromResult(new LeaderInfo { NodeId = (ulong)options.NodeId, LeaderId = (ulong)view.Leader, LeaderAddress = leaderAddress, Term = (ulong)view.Term });
    }

}

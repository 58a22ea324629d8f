namespace Raftex.Exchange;

/// <summary>
/// The outcome of applying one log entry. The caller owns one instance and passes it to every
/// <see cref="ExchangeStateMachine.Apply"/>; its buffers grow to the largest command seen and are then reused, so applying allocates nothing.
/// </summary>
public sealed class ApplyResult
{
    private Trade[] _trades = new Trade[16];
    private OrderCancellation[] _cancellations = new OrderCancellation[4];

    public long LogIndex { get; private set; }

    /// <summary>The engine's log time after this entry: max(previous log time, the entry's stamp).</summary>
    public long LogTime { get; internal set; }

    /// <summary>The decoded command type (0 if the entry could not be decoded).</summary>
    public CommandType Command { get; internal set; }

    public ResultCode Code { get; internal set; }

    public RejectReason Reason { get; internal set; }

    /// <summary>True when the entry repeated an already-applied (session, sequence) or client id: nothing was applied, the original outcome is returned.</summary>
    public bool IsDuplicate { get; internal set; }

    /// <summary>The order placed, cancelled or replaced (place: the new order id = its log index).</summary>
    public long OrderId { get; internal set; }

    /// <summary>For RegisterSession: the new session id (= its log index).</summary>
    public long SessionId { get; internal set; }

    /// <summary>Quantity of the command's order filled by this command.</summary>
    public long FilledQuantity { get; internal set; }

    /// <summary>Quantity of the command's order left resting on the book.</summary>
    public long RestingQuantity { get; internal set; }

    /// <summary>Quantity of the command's order cancelled by this command (IOC remainder, self-trade, explicit cancel).</summary>
    public long CancelledQuantity { get; internal set; }

    public CancelReason CancelReason { get; internal set; }

    /// <summary>The instrument's market-data sequence number after this command (0 if no book changed).</summary>
    public long MarketDataSequence { get; internal set; }

    public int TradeCount { get; private set; }

    public int CancellationCount { get; private set; }

    public ReadOnlySpan<Trade> Trades => _trades.AsSpan(0, TradeCount);

    /// <summary>Resting orders cancelled as a side effect (self-trade prevention, cancel-maker / cancel-both).</summary>
    public ReadOnlySpan<OrderCancellation> Cancellations => _cancellations.AsSpan(0, CancellationCount);

    internal void Reset(long logIndex)
    {
        LogIndex = logIndex;
        LogTime = 0;
        Command = 0;
        Code = ResultCode.None;
        Reason = RejectReason.None;
        IsDuplicate = false;
        OrderId = 0;
        SessionId = 0;
        FilledQuantity = 0;
        RestingQuantity = 0;
        CancelledQuantity = 0;
        CancelReason = CancelReason.None;
        MarketDataSequence = 0;
        TradeCount = 0;
        CancellationCount = 0;
    }

    internal void Reject(RejectReason reason)
    {
        Code = ResultCode.Rejected;
        Reason = reason;
    }

    internal void AddTrade(in Trade trade)
    {
        if (TradeCount == _trades.Length)
        {
            Array.Resize(ref _trades, _trades.Length * 2);
        }

        _trades[TradeCount++] = trade;
    }

    internal void AddCancellation(in OrderCancellation cancellation)
    {
        if (CancellationCount == _cancellations.Length)
        {
            Array.Resize(ref _cancellations, _cancellations.Length * 2);
        }

        _cancellations[CancellationCount++] = cancellation;
    }
}

using System.Globalization;
using System.Text;

namespace Raftex.Exchange.Tests;

/// <summary>A copy of one command's result, comparable between the engine and the reference model.</summary>
public sealed record Outcome(
    ResultCode Code,
    RejectReason Reason,
    bool IsDuplicate,
    long OrderId,
    long Filled,
    long Resting,
    long Cancelled,
    CancelReason CancelReason,
    long MarketSequence,
    IReadOnlyList<Trade> Trades,
    IReadOnlyList<OrderCancellation> Cancellations)
{
    public static Outcome From(ApplyResult r) => new(
        r.Code, r.Reason, r.IsDuplicate, r.OrderId, r.FilledQuantity, r.RestingQuantity, r.CancelledQuantity, r.CancelReason,
        r.MarketDataSequence, r.Trades.ToArray(), r.Cancellations.ToArray());

    /// <summary>A canonical text form: two outcomes are equal when their descriptions are.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Code}/{Reason} dup={IsDuplicate} order={OrderId} filled={Filled} resting={Resting} cancelled={Cancelled}({CancelReason}) md={MarketSequence}");
        foreach (var t in Trades)
        {
            sb.Append(CultureInfo.InvariantCulture, $" T[{t.TradeId} i{t.Instrument} s{t.Sequence} {t.Quantity}@{t.Price} m{t.MakerOrderId}/{t.MakerAccount} t{t.TakerOrderId}/{t.TakerAccount} {t.AggressorSide}]");
        }

        foreach (var x in Cancellations)
        {
            sb.Append(CultureInfo.InvariantCulture, $" X[{x.OrderId}/{x.Account} {x.CancelledQuantity} {x.Reason}]");
        }

        return sb.ToString();
    }
}

using Raftex.Exchange;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>Turns the engine's result for one entry into the wire reply.</summary>
internal static class Replies
{
    private static readonly string[] ReasonNames = [.. Enumerable.Range(0, 256).Select(i => ((RejectReason)i).ToString())];

    public static CommandReply From(ApplyResult r)
    {
        var reply = new CommandReply
        {
            Outcome = (Outcome)(int)r.Code,
            RejectReason = (uint)r.Reason,
            RejectReasonName = r.Reason == RejectReason.None ? string.Empty : ReasonNames[(int)r.Reason],
            Duplicate = r.IsDuplicate,
            OrderId = (ulong)r.OrderId,
            FilledQuantity = r.FilledQuantity,
            RemainingQuantity = r.RestingQuantity,
            CancelledQuantity = r.CancelledQuantity,
            LogIndex = (ulong)r.LogIndex,
            LogTime = r.LogTime,
        };
        foreach (var t in r.Trades)
        {
            reply.Fills.Add(new Fill
            {
                TradeId = (ulong)t.TradeId,
                Price = t.Price,
                Quantity = t.Quantity,
                MakerOrderId = (ulong)t.MakerOrderId,
                TakerOrderId = (ulong)t.TakerOrderId,
            });
        }

        if (r.Code == ResultCode.SessionRegistered)
        {
            reply.OrderId = (ulong)r.SessionId;
        }

        return reply;
    }
}

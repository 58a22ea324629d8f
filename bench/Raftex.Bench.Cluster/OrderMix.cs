using Raftex.Protocol.V1;

namespace Raftex.Bench.Cluster;

/// <summary>
/// The engine benchmark's mix for one account: 9% GTC, 3% IOC, 6% cancel, 82% cancel-replace, placing when the
/// account holds few live orders. Live orders are learnt from replies, so with many outstanding some cancels and
/// replaces name orders already gone (the engine rejects those; they still cost a full replicated command).
/// </summary>
internal sealed class OrderMix(ulong account, int seed)
{
    public const long Mid = 100_000;
    private readonly Random _random = new(seed);
    private readonly List<ulong> _live = [];
    private readonly Lock _gate = new();
    private ulong _nextId = 1000;

    public ulong Account => account;

    public SessionCommand Next()
    {
        lock (_gate)
        {
            var roll = _random.Next(100);
            var id = ++_nextId;
            if (_live.Count < 8 || roll < 9)
            {
                return new SessionCommand { Submit = Place(id, TimeInForce.Gtc) };
            }

            if (roll < 12)
            {
                return new SessionCommand { Submit = Place(id, TimeInForce.Ioc) };
            }

            var pick = _random.Next(_live.Count);
            var target = _live[pick];
            if (roll < 18)
            {
                _live.RemoveAt(pick);
                return new SessionCommand { Cancel = new CancelOrderRequest { Account = account, RequestId = id, OrigClientOrderId = target } };
            }

            _live[pick] = id;
            var buy = _random.Next(2) == 0;
            return new SessionCommand
            {
                Replace = new ReplaceOrderRequest
                {
                    Account = account, ClientOrderId = id, OrigClientOrderId = target,
                    Price = buy ? Mid - 1 - _random.Next(750) : Mid + 1 + _random.Next(750), Quantity = 1 + _random.Next(100),
                },
            };
        }
    }

    /// <summary>Learns from a reply which placed orders rest.</summary>
    public void Learn(SessionCommand sent, CommandReply reply)
    {
        if (sent.CommandCase == SessionCommand.CommandOneofCase.Submit && reply.Outcome == Outcome.Accepted && reply.RemainingQuantity > 0)
        {
            lock (_gate)
            {
                if (_live.Count < 64)
                {
                    _live.Add(sent.Submit.ClientOrderId);
                }
            }
        }
    }

    private SubmitOrderRequest Place(ulong id, TimeInForce tif)
    {
        var buy = _random.Next(2) == 0;
        long price;
        if (tif == TimeInForce.Ioc || _random.Next(100) < 5)
        {
            price = buy ? Mid + _random.Next(3) : Mid - _random.Next(3);
        }
        else
        {
            var depth = 1 + _random.Next(750);
            price = buy ? Mid - depth : Mid + depth;
        }

        return new SubmitOrderRequest
        {
            Account = account, ClientOrderId = id, Symbol = "BTC-USD", Side = buy ? OrderSide.Buy : OrderSide.Sell,
            Kind = OrderKind.Limit, TimeInForce = tif, Price = price, Quantity = 1 + _random.Next(100),
        };
    }
}

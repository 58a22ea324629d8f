namespace Raftex.Exchange;

/// <summary>
/// Idempotency by client id: every (account, client id) seen by a place, cancel, replace, deposit or withdraw is remembered with its
/// outcome for ClientIdRetention of log time, and for as long as the order it names is live. Expiry runs in insertion order, which is
/// log-time order, so it is the same on every replica.
/// </summary>
public sealed partial class ExchangeStateMachine
{
    private readonly ClientKeyMap _clientIds = new(1024);

    // FIFO of remembered keys in expiry order (log time only grows, so appends keep it sorted). Exactly one entry per remembered key.
    private ClientIdExpiry[] _expiryQueue = new ClientIdExpiry[1024];
    private int _expiryHead;
    private int _expiryCount;

    /// <summary>Number of client ids currently remembered.</summary>
    public int RememberedClientIds => _clientIds.Count;

    /// <summary>Validates account and client id, and answers a repeated id with its stored outcome. True when the command is finished.</summary>
    private bool IsInvalidOrDuplicate(in Command c, ApplyResult result)
    {
        if (c.Account <= 0)
        {
            result.Reject(RejectReason.InvalidAccount);
            return true;
        }

        if (c.ClientId <= 0)
        {
            result.Reject(RejectReason.InvalidClientId);
            return true;
        }

        var slot = _clientIds.Find(c.Account, c.ClientId);
        if (slot < 0)
        {
            return false;
        }

        ref var e = ref _clientIds.At(slot);
        result.Code = e.Code;
        result.Reason = e.Reason;
        result.OrderId = e.OrderId;
        result.IsDuplicate = true;
        return true;
    }

    private void Remember(in Command c, ApplyResult result) =>
        Remember(c.Account, c.ClientId, result.OrderId, result.Code, result.Reason, SaturatingAfter(_config.ClientIdRetention));

    private void Remember(long account, long clientId, long orderId, ResultCode code, RejectReason reason, long expiresAt)
    {
        _clientIds.Add(new ClientIdEntry { Account = account, ClientId = clientId, OrderId = orderId, Code = code, Reason = reason });
        Enqueue(new ClientIdExpiry(account, clientId, expiresAt));
    }

    private void Enqueue(in ClientIdExpiry item)
    {
        if (_expiryCount == _expiryQueue.Length)
        {
            var bigger = new ClientIdExpiry[_expiryQueue.Length * 2];
            for (var i = 0; i < _expiryCount; i++)
            {
                bigger[i] = _expiryQueue[(_expiryHead + i) & (_expiryQueue.Length - 1)];
            }

            _expiryQueue = bigger;
            _expiryHead = 0;
        }

        _expiryQueue[(_expiryHead + _expiryCount) & (_expiryQueue.Length - 1)] = item;
        _expiryCount++;
    }

    private void ExpireClientIds()
    {
        while (_expiryCount > 0)
        {
            var item = _expiryQueue[_expiryHead];
            if (item.ExpiresAt > _logTime)
            {
                return;
            }

            _expiryHead = (_expiryHead + 1) & (_expiryQueue.Length - 1);
            _expiryCount--;
            var slot = _clientIds.Find(item.Account, item.ClientId);
            if (IsLiveOrderClientId(_clientIds.At(slot)))
            {
                // The id still names a live order (cancel/replace by ClOrdID must keep working): keep it another span.
                Enqueue(item with { ExpiresAt = SaturatingAfter(_config.ClientIdRetention) });
                continue;
            }

            _clientIds.RemoveAt(slot);
        }
    }

    /// <summary>
    /// In steady state about one id expires per command, in queue order, so the slot of the id a few places behind the head
    /// is the one a later command will remove: asking for it now hides that cache miss behind the commands in between.
    /// </summary>
    private void PrefetchNextExpiry()
    {
        const int Lead = 8;
        if (_expiryCount > Lead)
        {
            ref var later = ref _expiryQueue[(_expiryHead + Lead) & (_expiryQueue.Length - 1)];
            _clientIds.Prefetch(later.Account, later.ClientId);
        }
        else if (_expiryCount > 0)
        {
            ref var next = ref _expiryQueue[_expiryHead];
            _clientIds.Prefetch(next.Account, next.ClientId);
        }
    }

    private bool IsLiveOrderClientId(in ClientIdEntry e)
    {
        if (e.OrderId == 0)
        {
            return false;
        }

        var o = _orderIndex.Get(e.OrderId);
        return o >= 0 && _orders[o].ClientId == e.ClientId && _orders[o].Account == e.Account;
    }

    /// <summary>Finds the live order a cancel or replace targets (by order id if given, else by OrigClOrdID), owned by the command's account; -1 if none.</summary>
    private int FindTarget(in Command c)
    {
        if (c.OrderId != 0)
        {
            var o = _orderIndex.Get(c.OrderId);
            return o >= 0 && _orders[o].Account == c.Account ? o : -1;
        }

        if (c.OrigClientId <= 0 || c.Account <= 0)
        {
            return -1;
        }

        var slot = _clientIds.Find(c.Account, c.OrigClientId);
        if (slot < 0)
        {
            return -1;
        }

        var orderId = _clientIds.At(slot).OrderId;
        if (orderId == 0)
        {
            return -1;
        }

        var index = _orderIndex.Get(orderId);
        return index >= 0 && _orders[index].Account == c.Account && _orders[index].ClientId == c.OrigClientId ? index : -1;
    }
}

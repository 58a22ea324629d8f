namespace Raftex.Exchange;

/// <summary>
/// Idempotency by client id: every (account, client id) seen by a place, cancel, replace, deposit or withdraw is remembered with its
/// outcome for ClientIdRetention of log time, and for as long as the order it names is live. Expiry runs in insertion order, which is
/// log-time order, so it is the same on every replica.
/// </summary>
public sealed partial class ExchangeStateMachine
{
    private readonly ClientKeyMap _clientIds = new(1024);
    private long[] _recAccount = new long[1024];
    private long[] _recClientId = new long[1024];
    private long[] _recOrderId = new long[1024];
    private long[] _recExpiresAt = new long[1024];
    private byte[] _recCode = new byte[1024];
    private byte[] _recReason = new byte[1024];
    private int _recFree = -1;
    private int _recHighWater;

    // FIFO of record indices in expiry order (log time only grows, so appends keep it sorted).
    private int[] _recQueue = new int[1024];
    private int _recQueueHead;
    private int _recQueueCount;

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

        var r = _clientIds.Get(c.Account, c.ClientId);
        if (r < 0)
        {
            return false;
        }

        result.Code = (ResultCode)_recCode[r];
        result.Reason = (RejectReason)_recReason[r];
        result.OrderId = _recOrderId[r];
        result.IsDuplicate = true;
        return true;
    }

    private void Remember(in Command c, ApplyResult result)
    {
        int r;
        if (_recFree >= 0)
        {
            r = _recFree;
            _recFree = (int)_recOrderId[r];
        }
        else
        {
            r = _recHighWater++;
            if (r == _recAccount.Length)
            {
                var n = r * 2;
                Array.Resize(ref _recAccount, n);
                Array.Resize(ref _recClientId, n);
                Array.Resize(ref _recOrderId, n);
                Array.Resize(ref _recExpiresAt, n);
                Array.Resize(ref _recCode, n);
                Array.Resize(ref _recReason, n);
            }
        }

        _recAccount[r] = c.Account;
        _recClientId[r] = c.ClientId;
        _recOrderId[r] = result.OrderId;
        _recCode[r] = (byte)result.Code;
        _recReason[r] = (byte)result.Reason;
        _recExpiresAt[r] = SaturatingAfter(_config.ClientIdRetention);
        _clientIds.Set(c.Account, c.ClientId, r);
        Enqueue(r);
    }

    private void Enqueue(int r)
    {
        if (_recQueueCount == _recQueue.Length)
        {
            var bigger = new int[_recQueue.Length * 2];
            for (var i = 0; i < _recQueueCount; i++)
            {
                bigger[i] = _recQueue[(_recQueueHead + i) & (_recQueue.Length - 1)];
            }

            _recQueue = bigger;
            _recQueueHead = 0;
        }

        _recQueue[(_recQueueHead + _recQueueCount) & (_recQueue.Length - 1)] = r;
        _recQueueCount++;
    }

    private void ExpireClientIds()
    {
        var mask = _recQueue.Length - 1;
        while (_recQueueCount > 0)
        {
            var r = _recQueue[_recQueueHead];
            if (_recExpiresAt[r] > _logTime)
            {
                return;
            }

            _recQueueHead = (_recQueueHead + 1) & mask;
            _recQueueCount--;
            if (IsLiveOrderClientId(r))
            {
                // The id still names a live order (cancel/replace by ClOrdID must keep working): keep it another span.
                _recExpiresAt[r] = SaturatingAfter(_config.ClientIdRetention);
                Enqueue(r);
                mask = _recQueue.Length - 1;
                continue;
            }

            _clientIds.Remove(_recAccount[r], _recClientId[r]);
            _recOrderId[r] = _recFree;
            _recFree = r;
        }
    }

    private bool IsLiveOrderClientId(int r)
    {
        var orderId = _recOrderId[r];
        if (orderId == 0)
        {
            return false;
        }

        var o = _orderIndex.Get(orderId);
        return o >= 0 && _orders[o].ClientId == _recClientId[r] && _orders[o].Account == _recAccount[r];
    }

    /// <summary>Finds the live order a cancel or replace targets (by order id if given, else by OrigClOrdID), owned by the command's account; -1 if none.</summary>
    private int FindTarget(in Command c)
    {
        if (c.OrderId != 0)
        {
            var o = _orderIndex.Get(c.OrderId);
            return o >= 0 && _orders[o].Account == c.Account ? o : -1;
        }

        if (c.OrigClientId <= 0)
        {
            return -1;
        }

        var r = _clientIds.Get(c.Account, c.OrigClientId);
        if (r < 0 || _recOrderId[r] == 0)
        {
            return -1;
        }

        var slot = _orderIndex.Get(_recOrderId[r]);
        return slot >= 0 && _orders[slot].Account == c.Account && _orders[slot].ClientId == c.OrigClientId ? slot : -1;
    }
}

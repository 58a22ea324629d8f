namespace Raftex.Exchange;

/// <summary>Spot accounts: free and reserved balance per asset, stored flat (account index × asset count + asset).</summary>
public sealed partial class ExchangeStateMachine
{
    private readonly Int64Map _accountIndex = new(64);
    private long[] _accountIds = new long[64];
    private long[] _accountFree;
    private long[] _accountReserved;
    private int _accountCount;

    /// <summary>Number of accounts (an account exists from its first deposit).</summary>
    public int AccountCount => _accountCount;

    private int GetOrCreateAccount(long account)
    {
        var a = _accountIndex.Get(account);
        if (a >= 0)
        {
            return a;
        }

        a = _accountCount++;
        if (a == _accountIds.Length)
        {
            Array.Resize(ref _accountIds, a * 2);
            Array.Resize(ref _accountFree, a * 2 * _assetCount);
            Array.Resize(ref _accountReserved, a * 2 * _assetCount);
        }

        _accountIds[a] = account;
        _accountIndex.Set(account, a);
        return a;
    }

    private void Deposit(in Command c, ApplyResult result)
    {
        if (IsInvalidOrDuplicate(in c, result))
        {
            return;
        }

        if ((uint)c.Asset >= (uint)_assetCount)
        {
            result.Reject(RejectReason.UnknownAsset);
        }
        else if (c.Amount <= 0)
        {
            result.Reject(RejectReason.InvalidAmount);
        }
        else if (_supply[c.Asset] > long.MaxValue - c.Amount)
        {
            // Capping the total supply of an asset caps every balance, so no settlement can overflow later.
            result.Reject(RejectReason.Overflow);
        }
        else
        {
            var a = GetOrCreateAccount(c.Account);
            _accountFree[(a * _assetCount) + c.Asset] += c.Amount;
            _supply[c.Asset] += c.Amount;
            result.Code = ResultCode.Deposited;
        }

        Remember(in c, result);
    }

    private void Withdraw(in Command c, ApplyResult result)
    {
        if (IsInvalidOrDuplicate(in c, result))
        {
            return;
        }

        var a = _accountIndex.Get(c.Account);
        if ((uint)c.Asset >= (uint)_assetCount)
        {
            result.Reject(RejectReason.UnknownAsset);
        }
        else if (c.Amount <= 0)
        {
            result.Reject(RejectReason.InvalidAmount);
        }
        else if (a < 0 || _accountFree[(a * _assetCount) + c.Asset] < c.Amount)
        {
            result.Reject(RejectReason.InsufficientFunds);
        }
        else
        {
            _accountFree[(a * _assetCount) + c.Asset] -= c.Amount;
            _supply[c.Asset] -= c.Amount;
            result.Code = ResultCode.Withdrawn;
        }

        Remember(in c, result);
    }
}

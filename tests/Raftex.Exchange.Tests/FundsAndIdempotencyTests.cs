namespace Raftex.Exchange.Tests;

public sealed class FundsAndIdempotencyTests
{
    private const int Usd = ExchangeDriver.Usd;
    private readonly ExchangeDriver _x = new();

    [Fact]
    public void Deposit_credits_and_withdraw_debits_free_balance()
    {
        Assert.Equal(ResultCode.Deposited, _x.Deposit(1, Usd, 500).Code);
        Assert.Equal(ResultCode.Withdrawn, _x.Withdraw(1, Usd, 200).Code);
        Assert.Equal(new AccountBalance(300, 0), _x.Balance(1, Usd));
        Assert.Equal(300, _x.Engine.Supply(Usd));
    }

    [Fact]
    public void Withdraw_cannot_touch_reserved_funds_or_exceed_free_balance()
    {
        _x.Deposit(1, Usd, 10_000);
        _x.Limit(1, Side.Buy, 1000, 6);
        Assert.Equal(RejectReason.InsufficientFunds, _x.Withdraw(1, Usd, 5_000).Reason);
        Assert.Equal(ResultCode.Withdrawn, _x.Withdraw(1, Usd, 4_000).Code);
        Assert.Equal(new AccountBalance(0, 6_000), _x.Balance(1, Usd));
        Assert.Equal(RejectReason.InsufficientFunds, _x.Withdraw(7, Usd, 1).Reason);
    }

    [Fact]
    public void Repeated_deposit_transaction_id_is_applied_once_and_answered_as_duplicate()
    {
        _x.Deposit(1, Usd, 500, txId: 9);
        var again = _x.Deposit(1, Usd, 500, txId: 9);
        Assert.Equal((ResultCode.Deposited, true), (again.Code, again.IsDuplicate));
        Assert.Equal(500, _x.Balance(1, Usd).Free);

        // Transaction ids are per account: another account may use the same one.
        Assert.False(_x.Deposit(2, Usd, 500, txId: 9).IsDuplicate);
    }

    [Fact]
    public void Repeated_withdraw_transaction_id_is_applied_once()
    {
        _x.Deposit(1, Usd, 500);
        _x.Withdraw(1, Usd, 100, txId: 3);
        var again = _x.Withdraw(1, Usd, 100, txId: 3);
        Assert.Equal((ResultCode.Withdrawn, true), (again.Code, again.IsDuplicate));
        Assert.Equal(400, _x.Balance(1, Usd).Free);
    }

    [Fact]
    public void Repeated_client_order_id_creates_no_second_order_and_returns_the_original_outcome()
    {
        _x.Fund(1);
        var first = _x.Limit(1, Side.Buy, 1000, 4, clientId: 11);
        var again = _x.Limit(1, Side.Buy, 1000, 4, clientId: 11);
        Assert.Equal((ResultCode.Accepted, first.OrderId, true), (again.Code, again.OrderId, again.IsDuplicate));
        Assert.Equal(1, _x.Engine.OpenOrderCount);
    }

    [Fact]
    public void Repeated_rejected_order_returns_the_same_rejection_even_after_funding()
    {
        var first = _x.Limit(1, Side.Buy, 1000, 4, clientId: 11);
        _x.Fund(1);
        var again = _x.Limit(1, Side.Buy, 1000, 4, clientId: 11);
        Assert.Equal((RejectReason.InsufficientFunds, RejectReason.InsufficientFunds, true), (first.Reason, again.Reason, again.IsDuplicate));
        Assert.Equal(0, _x.Engine.OpenOrderCount);
    }

    [Fact]
    public void Repeated_cancel_and_replace_are_answered_as_duplicates_without_effect()
    {
        _x.Fund(1);
        _x.Limit(1, Side.Buy, 1000, 10, clientId: 5);
        var replaced = _x.Replace(1, newClientId: 6, price: 995, quantity: 10, origClientId: 5);
        var replayed = _x.Replace(1, newClientId: 6, price: 995, quantity: 10, origClientId: 5);
        Assert.Equal((ResultCode.Replaced, replaced.OrderId, true), (replayed.Code, replayed.OrderId, replayed.IsDuplicate));
        var cancelled = _x.Cancel(1, origClientId: 6, requestId: 7);
        var again = _x.Cancel(1, origClientId: 6, requestId: 7);
        Assert.Equal((ResultCode.Cancelled, cancelled.OrderId, true), (again.Code, again.OrderId, again.IsDuplicate));
        Assert.Equal(0, _x.Engine.OpenOrderCount);
    }

    [Fact]
    public void Client_ids_are_forgotten_after_the_retention_span_of_log_time()
    {
        var x = new ExchangeDriver(ExchangeDriver.DefaultConfig(retention: 100));
        x.Deposit(1, Usd, 500, txId: 9);
        x.Time += 99;
        Assert.True(x.Deposit(1, Usd, 500, txId: 9).IsDuplicate);
        x.Time += 1;
        var later = x.Deposit(1, Usd, 500, txId: 9);
        Assert.False(later.IsDuplicate);
        Assert.Equal(1_000, x.Balance(1, Usd).Free);
    }

    [Fact]
    public void Client_id_of_a_live_order_outlives_the_retention_span()
    {
        var x = new ExchangeDriver(ExchangeDriver.DefaultConfig(retention: 100));
        x.Fund(1);
        x.Limit(1, Side.Buy, 1000, 4, clientId: 11);
        x.Time += 1_000;
        x.Deposit(2, Usd, 1);
        Assert.True(x.Limit(1, Side.Buy, 1000, 4, clientId: 11).IsDuplicate);
        Assert.Equal(ResultCode.Cancelled, x.Cancel(1, origClientId: 11).Code);

        // Once the order is gone its id expires with the next span.
        x.Time += 1_000;
        x.Deposit(2, Usd, 1);
        Assert.False(x.Limit(1, Side.Buy, 1000, 4, clientId: 11).IsDuplicate);
    }

    [Fact]
    public void Log_time_never_goes_back()
    {
        _x.Time = 5_000;
        _x.Deposit(1, Usd, 1);
        _x.Time = 10;
        _x.Deposit(1, Usd, 1);
        Assert.Equal(5_000, _x.Engine.LogTime);
    }

    [Fact]
    public void Reservations_are_settled_on_fill_and_released_on_cancel()
    {
        _x.Fund(1);
        _x.Fund(2);
        _x.Limit(2, Side.Sell, 1000, 10, clientId: 1);
        Assert.Equal(new AccountBalance(1_000_000 - 10, 10), _x.Balance(2, ExchangeDriver.Btc));
        _x.Limit(1, Side.Buy, 1000, 4);
        Assert.Equal(new AccountBalance(1_000_000 - 10, 6), _x.Balance(2, ExchangeDriver.Btc));
        _x.Cancel(2, origClientId: 1);
        Assert.Equal(new AccountBalance(1_000_000 - 4, 0), _x.Balance(2, ExchangeDriver.Btc));
        Assert.Equal(new AccountBalance(1_000_000_000 + 4_000, 0), _x.Balance(2, Usd));
        Invariants.Check(_x.Engine);
    }
}

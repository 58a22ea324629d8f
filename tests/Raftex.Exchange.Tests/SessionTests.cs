namespace Raftex.Exchange.Tests;

public sealed class SessionTests
{
    private const int Usd = ExchangeDriver.Usd;

    [Fact]
    public void Session_id_is_the_log_index_of_its_registration()
    {
        var x = new ExchangeDriver();
        x.Deposit(1, Usd, 1);
        Assert.Equal(2, x.RegisterSession());
        Assert.Equal(1, x.Engine.SessionCount);
    }

    [Fact]
    public void Repeated_session_sequence_returns_the_stored_result_without_applying_again()
    {
        var x = new ExchangeDriver();
        var s = x.RegisterSession();
        var first = x.Deposit(1, Usd, 100, txId: 1, session: s, seq: 1);

        // Even with a different client id, the same (session, sequence) is the same command.
        var again = x.Deposit(1, Usd, 100, txId: 2, session: s, seq: 1);
        Assert.Equal((ResultCode.Deposited, false, true), (first.Code, first.IsDuplicate, again.IsDuplicate));
        Assert.Equal(100, x.Balance(1, Usd).Free);
    }

    [Fact]
    public void Sequences_may_arrive_out_of_order_within_the_window()
    {
        var x = new ExchangeDriver();
        var s = x.RegisterSession();
        x.Deposit(1, Usd, 1, session: s, seq: 3);
        x.Deposit(1, Usd, 1, session: s, seq: 1);
        x.Deposit(1, Usd, 1, session: s, seq: 2);
        Assert.True(x.Deposit(1, Usd, 1, session: s, seq: 1).IsDuplicate);
        Assert.Equal(3, x.Balance(1, Usd).Free);
    }

    [Fact]
    public void Session_expires_after_the_timeout_of_inactivity_in_log_time()
    {
        var x = new ExchangeDriver(ExchangeDriver.DefaultConfig(sessionTimeout: 1_000));
        var s = x.RegisterSession();
        x.Time += 999;
        Assert.Equal(ResultCode.Deposited, x.Deposit(1, Usd, 1, session: s, seq: 1).Code);
        x.Time += 999;
        Assert.Equal(ResultCode.Deposited, x.Deposit(1, Usd, 1, session: s, seq: 2).Code);
        x.Time += 1_000;
        Assert.Equal(RejectReason.UnknownSession, x.Deposit(1, Usd, 1, session: s, seq: 3).Reason);
        Assert.Equal(0, x.Engine.SessionCount);
    }

    [Fact]
    public void Activity_of_one_session_does_not_keep_another_alive()
    {
        var x = new ExchangeDriver(ExchangeDriver.DefaultConfig(sessionTimeout: 1_000));
        var a = x.RegisterSession();
        var b = x.RegisterSession();
        for (var i = 1; i <= 5; i++)
        {
            x.Time += 400;
            x.Deposit(1, Usd, 1, session: b, seq: i);
        }

        Assert.Equal(RejectReason.UnknownSession, x.Deposit(1, Usd, 1, session: a, seq: 1).Reason);
        Assert.Equal(ResultCode.Deposited, x.Deposit(1, Usd, 1, session: b, seq: 6).Code);
    }

    [Fact]
    public void Register_session_with_session_fields_set_is_malformed()
    {
        var entry = new byte[CommandCodec.HeaderSize];
        CommandCodec.EncodeRegisterSession(entry, time: 1);
        entry[10] = 5;
        var x = new ExchangeDriver();
        Assert.Equal(RejectReason.MalformedCommand, x.ApplyBytes(entry).Reason);
        Assert.Equal(0, x.Engine.SessionCount);
    }

    [Fact]
    public void Sessionless_command_with_a_sequence_is_malformed() =>
        Assert.Equal(RejectReason.MalformedCommand, new ExchangeDriver().Deposit(1, Usd, 1, session: 0, seq: 4).Reason);

    [Fact]
    public void An_idle_session_costs_well_under_a_kilobyte_and_its_cache_grows_only_with_the_commands_it_sent()
    {
        var x = new ExchangeDriver(ExchangeDriver.DefaultConfig(sessionWindow: 1024));
        for (var i = 0; i < 1000; i++)
        {
            x.RegisterSession();
        }

        Assert.Equal(1000, x.Engine.SessionCount);
        Assert.True(x.Engine.SessionBytes <= 1000 * 100, $"{x.Engine.SessionBytes} bytes for 1000 idle sessions");

        var busy = x.RegisterSession();
        var before = x.Engine.SessionBytes;
        x.Deposit(1, Usd, 1, session: busy, seq: 1);
        Assert.InRange(x.Engine.SessionBytes - before, 1, 1024);
        for (var seq = 2; seq <= 2000; seq++)
        {
            x.Deposit(1, Usd, 1, txId: seq, session: busy, seq: seq);
        }

        // A full window after 2000 commands: the last 1024 results are remembered, older ones are stale.
        Assert.InRange(x.Engine.SessionBytes - before, 1024 * 24, (1024 * 24) + 1024);
        Assert.True(x.Deposit(1, Usd, 1, txId: 9_999, session: busy, seq: 1500).IsDuplicate);
        Assert.Equal(RejectReason.StaleSequence, x.Deposit(1, Usd, 1, txId: 9_998, session: busy, seq: 900).Reason);
    }

    [Fact]
    public void A_growing_reply_cache_keeps_every_result_of_the_window_and_snapshots_as_a_full_window()
    {
        var x = new ExchangeDriver();
        var s = x.RegisterSession();
        var sequences = new[] { 5L, 1, 3, 2, 4, 7, 6, 8 };
        foreach (var seq in sequences)
        {
            x.Deposit(1, Usd, 1, txId: seq, session: s, seq: seq);
        }

        var digest = x.Engine.Digest();
        x.SnapshotAndRestore();
        Assert.Equal(digest, x.Engine.Digest());
        foreach (var seq in sequences)
        {
            Assert.True(x.Deposit(1, Usd, 1, txId: 100 + seq, session: s, seq: seq).IsDuplicate, $"sequence {seq}");
        }

        Assert.Equal(8, x.Balance(1, Usd).Free);
    }
}

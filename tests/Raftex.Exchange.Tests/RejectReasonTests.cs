namespace Raftex.Exchange.Tests;

/// <summary>Every reject reason, produced by the smallest command that causes it.</summary>
public sealed class RejectReasonTests
{
    private readonly ExchangeDriver _x = new();

    public RejectReasonTests() => _x.Fund(1);

    private RejectReason PlaceWith(Func<Command, Command> change)
    {
        var c = new Command
        {
            Type = CommandType.PlaceOrder, Account = 1, ClientId = _x.NextIndex, Instrument = 0, Side = Side.Buy, OrderType = OrderType.Limit,
            TimeInForce = TimeInForce.Gtc, SelfTradePrevention = SelfTradePrevention.CancelTaker, Price = 1000, Quantity = 2,
        };
        var r = _x.Apply(change(c));
        return r.Code == ResultCode.Rejected ? r.Reason : RejectReason.None;
    }

    [Fact]
    public void Valid_baseline_order_is_accepted() => Assert.Equal(RejectReason.None, PlaceWith(c => c));

    [Fact]
    public void Unknown_symbol() => Assert.Equal(RejectReason.UnknownSymbol, PlaceWith(c => c with { Instrument = 9 }));

    [Fact]
    public void Invalid_account() => Assert.Equal(RejectReason.InvalidAccount, PlaceWith(c => c with { Account = 0 }));

    [Fact]
    public void Invalid_client_id() => Assert.Equal(RejectReason.InvalidClientId, PlaceWith(c => c with { ClientId = -4 }));

    [Fact]
    public void Invalid_side() => Assert.Equal(RejectReason.InvalidSide, PlaceWith(c => c with { Side = (Side)3 }));

    [Fact]
    public void Invalid_order_type() => Assert.Equal(RejectReason.InvalidOrderType, PlaceWith(c => c with { OrderType = 0 }));

    [Fact]
    public void Invalid_time_in_force() => Assert.Equal(RejectReason.InvalidTimeInForce, PlaceWith(c => c with { TimeInForce = (TimeInForce)5 }));

    [Fact]
    public void Invalid_self_trade_prevention() => Assert.Equal(RejectReason.InvalidSelfTradePrevention, PlaceWith(c => c with { SelfTradePrevention = 0 }));

    [Fact]
    public void Invalid_price() => Assert.Equal(RejectReason.InvalidPrice, PlaceWith(c => c with { Price = 1_000_005 }));

    [Fact]
    public void Invalid_quantity_below_minimum_or_above_maximum()
    {
        var x = new ExchangeDriver(ExchangeDriver.DefaultConfig() with
        {
            Instruments = [new InstrumentSpec("BTC-USD", 0, 1, TickSize: 5, LotSize: 2, MinQuantity: 4, MaxQuantity: 10, ReferencePrice: 1000, BandBasisPoints: 0)],
        });
        x.Fund(1);
        Assert.Equal(RejectReason.InvalidQuantity, x.Limit(1, Side.Buy, 1000, 2).Reason);
        Assert.Equal(RejectReason.InvalidQuantity, x.Limit(1, Side.Buy, 1000, 12).Reason);
        Assert.Equal(ResultCode.Accepted, x.Limit(1, Side.Buy, 1000, 10).Code);
    }

    [Fact]
    public void Bad_tick() => Assert.Equal(RejectReason.BadTick, PlaceWith(c => c with { Price = 1001 }));

    [Fact]
    public void Bad_lot() => Assert.Equal(RejectReason.BadLot, PlaceWith(c => c with { Quantity = 3 }));

    [Fact]
    public void Out_of_band() => Assert.Equal(RejectReason.OutOfBand, PlaceWith(c => c with { Price = 795 }));

    [Fact]
    public void Overflow() => Assert.Equal(
        RejectReason.Overflow, PlaceWith(c => c with { Instrument = ExchangeDriver.EthUsd, Price = long.MaxValue / 10_000, Quantity = 10_001 }));

    [Fact]
    public void Insufficient_funds() => Assert.Equal(RejectReason.InsufficientFunds, PlaceWith(c => c with { Account = 42 }));

    [Fact]
    public void Post_only_would_cross()
    {
        _x.Fund(2);
        _x.Limit(2, Side.Sell, 1000, 2);
        Assert.Equal(RejectReason.PostOnlyWouldCross, PlaceWith(c => c with { TimeInForce = TimeInForce.PostOnly }));
    }

    [Fact]
    public void Fok_not_fillable() => Assert.Equal(RejectReason.FokNotFillable, PlaceWith(c => c with { TimeInForce = TimeInForce.Fok }));

    [Fact]
    public void Unknown_order() => Assert.Equal(RejectReason.UnknownOrder, _x.Cancel(1, origClientId: 12345).Reason);

    [Fact]
    public void Unknown_asset() => Assert.Equal(RejectReason.UnknownAsset, _x.Deposit(1, 3, 10).Reason);

    [Fact]
    public void Invalid_amount() => Assert.Equal(RejectReason.InvalidAmount, _x.Withdraw(1, 1, -10).Reason);

    [Fact]
    public void Unknown_session() => Assert.Equal(RejectReason.UnknownSession, _x.Deposit(1, 1, 10, session: 999, seq: 1).Reason);

    [Fact]
    public void Stale_sequence()
    {
        var session = _x.RegisterSession();
        for (var seq = 1; seq <= 20; seq++)
        {
            _x.Deposit(1, 1, 1, session: session, seq: seq);
        }

        // Window is 8: sequence 5 is older than the remembered results and cannot be answered.
        Assert.Equal(RejectReason.StaleSequence, _x.Deposit(1, 1, 1, session: session, seq: 5).Reason);
    }

    [Fact]
    public void Malformed_unsupported_version_and_unknown_command()
    {
        Assert.Equal(RejectReason.MalformedCommand, _x.ApplyBytes([1, 2, 3]).Reason);
        Assert.Equal(RejectReason.UnsupportedVersion, _x.ApplyBytes(new byte[40]).Reason);
        var entry = new byte[CommandCodec.HeaderSize];
        entry[0] = CommandCodec.FormatVersion;
        entry[1] = 99;
        Assert.Equal(RejectReason.UnknownCommand, _x.ApplyBytes(entry).Reason);
    }

    [Fact]
    public void Unsupported_entry_format() => Assert.Equal(RejectReason.UnsupportedEntryFormat, _x.SetEntryFormat(CommandCodec.MaxFormatVersion + 1).Reason);

    [Fact]
    public void Entry_format_lowered()
    {
        Assert.Equal(ResultCode.Accepted, _x.SetEntryFormat(2).Code);
        Assert.Equal(RejectReason.EntryFormatLowered, _x.SetEntryFormat(1).Reason);
    }

    [Fact]
    public void Checksum_mismatch()
    {
        var buffer = new byte[CommandCodec.MaxEntrySize];
        var n = CommandCodec.EncodeDeposit(buffer, 1, 0, 0, 1, 77, 0, 5);
        var entry = CommandCodec.Stamp(buffer[..n], CommandCodec.ChecksummedFormatVersion, 1);
        entry[^1] ^= 1;
        Assert.Equal(RejectReason.ChecksumMismatch, _x.ApplyBytes(entry).Reason);
    }

    [Fact]
    public void Every_reject_reason_has_a_test_in_this_class()
    {
        var covered = typeof(RejectReasonTests).GetMethods().Select(m => m.Name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant()).ToList();
        foreach (var reason in Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None))
        {
            var name = reason.ToString().ToUpperInvariant();
            Assert.True(covered.Any(m => m.Contains(name, StringComparison.Ordinal) || (name.StartsWith("MALFORMED", StringComparison.Ordinal) && m.StartsWith("MALFORMED", StringComparison.Ordinal))
                || (name is "UNSUPPORTEDVERSION" or "UNKNOWNCOMMAND" && m.StartsWith("MALFORMED", StringComparison.Ordinal))), $"no test for {reason}");
        }
    }
}

namespace Raftex.Exchange.Tests;

public sealed class CommandCodecTests
{
    public static TheoryData<Command> Commands() =>
    [
        new Command { Type = CommandType.RegisterSession, Time = 42 },
        new Command { Type = CommandType.Deposit, Time = 7, SessionId = 3, SessionSequence = 9, Account = 11, ClientId = 12, Asset = 2, Amount = long.MaxValue },
        new Command { Type = CommandType.Withdraw, Time = 7, Account = 11, ClientId = 13, Asset = 1, Amount = 5 },
        new Command
        {
            Type = CommandType.PlaceOrder, Time = -1, SessionId = long.MaxValue, SessionSequence = 1, Account = 1, ClientId = 2, Instrument = 65_535,
            Side = Side.Sell, OrderType = OrderType.Market, TimeInForce = TimeInForce.Fok, SelfTradePrevention = SelfTradePrevention.CancelBoth, Price = 3, Quantity = 4,
        },
        new Command { Type = CommandType.CancelOrder, Time = 1, Account = 1, ClientId = 2, OrigClientId = 3, OrderId = 4 },
        new Command { Type = CommandType.ReplaceOrder, Time = 1, Account = 1, ClientId = 2, OrigClientId = 3, OrderId = 4, Price = 5, Quantity = 6 },
        new Command { Type = CommandType.SetEntryFormat, Time = 9, EntryFormat = 2 },
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_round_trips_through_the_codec(Command command)
    {
        var buffer = new byte[CommandCodec.MaxEntrySize];
        var n = CommandCodec.Encode(buffer, command);
        Assert.Equal(CommandCodec.HeaderSize + CommandCodec.PayloadSize(command.Type), n);
        Assert.True(CommandCodec.TryDecode(buffer.AsSpan(0, n), out var decoded, out var reason));
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(command with { Version = CommandCodec.FormatVersion }, decoded);
    }

    [Fact]
    public void Header_layout_is_version_type_time_session_sequence_little_endian()
    {
        var buffer = new byte[CommandCodec.MaxEntrySize];
        CommandCodec.EncodeDeposit(buffer, time: 0x0102, sessionId: 0x03, sequence: 0x04, account: 1, transactionId: 1, asset: 0, amount: 1);
        Assert.Equal(new byte[] { 1, (byte)CommandType.Deposit, 0x02, 0x01 }, buffer[..4]);
        Assert.Equal(0x03, buffer[10]);
        Assert.Equal(0x04, buffer[18]);
    }

    [Fact]
    public void Versions_one_to_three_are_supported_and_nothing_else()
    {
        Assert.Equal(new byte[] { 1, 2, 3 }, CommandCodec.SupportedFormatVersions);
        Assert.Equal(CommandCodec.MinFormatVersion, CommandCodec.SupportedFormatVersions[0]);
        Assert.Equal(CommandCodec.MaxFormatVersion, CommandCodec.SupportedFormatVersions[^1]);
        Assert.True(CommandCodec.Supports(1));
        Assert.True(CommandCodec.Supports(2));
        Assert.True(CommandCodec.Supports(3));
        Assert.False(CommandCodec.Supports(0));
        Assert.False(CommandCodec.Supports(4));
        Assert.False(CommandCodec.Supports(258));
    }
}

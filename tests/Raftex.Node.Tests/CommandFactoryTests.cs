using Grpc.Core;
using Raftex.Exchange;
using Raftex.Protocol.V1;

namespace Raftex.Node.Tests;

public sealed class CommandFactoryTests
{
    private readonly CommandFactory _commands = new(SymbolsFile.Default());

    private static SubmitOrderRequest Order() => new()
    {
        Account = 5, ClientOrderId = 9, Symbol = "BTC-USD", Side = OrderSide.Sell, Kind = OrderKind.Limit,
        TimeInForce = Protocol.V1.TimeInForce.Ioc, Price = 100_100, Quantity = 3,
    };

    [Fact]
    public void A_valid_order_encodes_to_the_engine_command_with_session_fields()
    {
        var bytes = _commands.Submit(Order(), sessionId: 77, sequence: 4);
        Assert.True(CommandCodec.TryDecode(bytes, out var c, out _));
        Assert.Equal(CommandType.PlaceOrder, c.Type);
        Assert.Equal(5, c.Account);
        Assert.Equal(9, c.ClientId);
        Assert.Equal(Side.Sell, c.Side);
        Assert.Equal(Exchange.TimeInForce.Ioc, c.TimeInForce);
        Assert.Equal(77, c.SessionId);
        Assert.Equal(4, c.SessionSequence);
        Assert.Equal(0, c.Time);
    }

    [Theory]
    [InlineData("account")]
    [InlineData("client_order_id")]
    [InlineData("symbol")]
    [InlineData("side")]
    [InlineData("price")]
    [InlineData("quantity")]
    [InlineData("time_in_force")]
    public void Each_bad_field_is_named_in_an_invalid_argument_error(string field)
    {
        var order = Order();
        switch (field)
        {
            case "account": order.Account = 0; break;
            case "client_order_id": order.ClientOrderId = 0; break;
            case "symbol": order.Symbol = "DOGE-EUR"; break;
            case "side": order.Side = OrderSide.Unspecified; break;
            case "price": order.Price = -1; break;
            case "quantity": order.Quantity = 0; break;
            default: order.TimeInForce = Protocol.V1.TimeInForce.Unspecified; break;
        }

        var error = Assert.Throws<RpcException>(() => _commands.Submit(order));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field == "symbol" ? "DOGE-EUR" : field, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancel_must_name_the_order()
    {
        var error = Assert.Throws<RpcException>(() => _commands.Cancel(new CancelOrderRequest { Account = 1, RequestId = 2 }));
        Assert.Contains("orig_client_order_id", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forwarded_command_is_refused_unless_it_is_an_unstamped_client_command()
    {
        var valid = _commands.Submit(Order(), sessionId: 0, sequence: 0);
        Assert.Null(CommandFactory.ForwardRefusal(valid));
        Assert.Null(CommandFactory.ForwardRefusal(CommandFactory.RegisterSession()));

        Assert.Equal("the forwarded command is empty", CommandFactory.ForwardRefusal([]));
        Assert.Contains("malformed (MalformedCommand)", CommandFactory.ForwardRefusal(valid.AsSpan(0, valid.Length - 1)), StringComparison.Ordinal);
        var stamped = CommandCodec.Stamp([.. valid], CommandCodec.ChecksummedFormatVersion, 5);
        Assert.Contains("format version 2", CommandFactory.ForwardRefusal(stamped), StringComparison.Ordinal);
        var unknown = (byte[])valid.Clone();
        unknown[1] = 99;
        Assert.Contains("malformed (UnknownCommand)", CommandFactory.ForwardRefusal(unknown), StringComparison.Ordinal);
        var raise = new byte[CommandCodec.HeaderSize + 1];
        CommandCodec.EncodeSetEntryFormat(raise, 0, 2);
        Assert.Contains("only through Admin", CommandFactory.ForwardRefusal(raise), StringComparison.Ordinal);
    }
}

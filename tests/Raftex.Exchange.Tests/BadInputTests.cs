using CsCheck;

namespace Raftex.Exchange.Tests;

/// <summary>Malformed, truncated and absurd input is rejected with a reason; nothing escapes the state machine and no state is corrupted.</summary>
public sealed class BadInputTests
{
    private static readonly byte[][] ValidEntries = Encode(
        new Command { Type = CommandType.RegisterSession },
        new Command { Type = CommandType.Deposit, Account = 1, ClientId = 1, Asset = 1, Amount = 10 },
        new Command { Type = CommandType.Withdraw, Account = 1, ClientId = 2, Asset = 1, Amount = 10 },
        new Command { Type = CommandType.PlaceOrder, Account = 1, ClientId = 3, Side = Side.Buy, OrderType = OrderType.Limit, TimeInForce = TimeInForce.Gtc, SelfTradePrevention = SelfTradePrevention.CancelTaker, Price = 1000, Quantity = 2 },
        new Command { Type = CommandType.CancelOrder, Account = 1, ClientId = 4, OrigClientId = 3 },
        new Command { Type = CommandType.ReplaceOrder, Account = 1, ClientId = 5, OrigClientId = 3, Price = 1000, Quantity = 2 });

    [Fact]
    public void Every_truncation_of_every_command_is_rejected_as_malformed()
    {
        var driver = new ExchangeDriver();
        foreach (var entry in ValidEntries)
        {
            for (var length = 0; length < entry.Length; length++)
            {
                var outcome = driver.ApplyBytes(entry.AsSpan(0, length));
                Assert.Equal(ResultCode.Rejected, outcome.Code);
                Assert.Equal(RejectReason.MalformedCommand, outcome.Reason);
            }

            var longer = entry.Concat(new byte[] { 0 }).ToArray();
            Assert.Equal(RejectReason.MalformedCommand, driver.ApplyBytes(longer).Reason);
        }

        Assert.Equal(0, driver.Engine.AccountCount);
        Assert.Equal(0, driver.Engine.SessionCount);
    }

    [Fact]
    public void Unknown_format_version_and_unknown_command_type_are_rejected_with_their_reasons()
    {
        var driver = new ExchangeDriver();
        foreach (var version in new byte[] { 0, 4, 255 })
        {
            var entry = (byte[])ValidEntries[1].Clone();
            entry[0] = version;
            Assert.Equal(RejectReason.UnsupportedVersion, driver.ApplyBytes(entry).Reason);
        }

        // A version 1 entry relabelled as version 2 lacks its trailer: its last bytes are not the checksum of the rest.
        var relabelled = (byte[])ValidEntries[1].Clone();
        relabelled[0] = CommandCodec.ChecksummedFormatVersion;
        Assert.Equal(RejectReason.ChecksumMismatch, driver.ApplyBytes(relabelled).Reason);

        foreach (var type in new byte[] { 0, 8, 200 })
        {
            var entry = (byte[])ValidEntries[1].Clone();
            entry[1] = type;
            Assert.Equal(RejectReason.UnknownCommand, driver.ApplyBytes(entry).Reason);
        }

        Assert.Equal(0, driver.Engine.AccountCount);
    }

    [Fact]
    public void Rejected_garbage_still_counts_in_the_index_and_the_state_hash()
    {
        var a = new ExchangeDriver();
        var b = new ExchangeDriver();
        a.ApplyBytes([1, 2, 3]);
        b.ApplyBytes([1, 2, 4]);
        Assert.Equal(1, a.Engine.LastAppliedIndex);
        Assert.NotEqual(a.Engine.StateHash, b.Engine.StateHash);
    }

    [Fact]
    public void Random_bytes_and_mutated_entries_never_throw_and_never_break_invariants()
    {
        var entryGen = Gen.Frequency(
            (1, Gen.Byte.Array[0, 90]),
            (3, from i in Gen.Int[0, ValidEntries.Length - 1]
                from flips in Gen.Select(Gen.Int[0, 73], Gen.Byte).Array[1, 4]
                select Mutate(ValidEntries[i], flips)),
            (2, CommandStreams.AnyCommand.Select(c => Encode(c)[0])));
        CommandStreams.ForEachSeed(entryGen.Array[50, 200], 60, (_, entries) =>
        {
            var driver = new ExchangeDriver();
            driver.Fund(1);
            driver.Fund(2);
            foreach (var entry in entries)
            {
                var outcome = driver.ApplyBytes(entry);
                Assert.NotEqual(ResultCode.None, outcome.Code);
                Assert.True(outcome.Code != ResultCode.Rejected || outcome.Reason != RejectReason.None);
            }

            Invariants.Check(driver.Engine);
        });
    }

    [Fact]
    public void Absurd_values_are_rejected_with_precise_reasons()
    {
        var driver = new ExchangeDriver();
        driver.Fund(1);
        Assert.Equal(RejectReason.InvalidQuantity, driver.Limit(1, Side.Buy, 1000, 0).Reason);
        Assert.Equal(RejectReason.InvalidQuantity, driver.Limit(1, Side.Buy, 1000, -2).Reason);
        Assert.Equal(RejectReason.InvalidQuantity, driver.Limit(1, Side.Buy, 1000, long.MinValue).Reason);
        Assert.Equal(RejectReason.InvalidPrice, driver.Limit(1, Side.Buy, 0, 2).Reason);
        Assert.Equal(RejectReason.InvalidPrice, driver.Limit(1, Side.Buy, -1000, 2).Reason);
        Assert.Equal(RejectReason.InvalidPrice, driver.Limit(1, Side.Buy, long.MaxValue, 2).Reason);
        Assert.Equal(RejectReason.InvalidAmount, driver.Deposit(1, ExchangeDriver.Usd, 0).Reason);
        Assert.Equal(RejectReason.InvalidAmount, driver.Deposit(1, ExchangeDriver.Usd, long.MinValue).Reason);
        Assert.Equal(RejectReason.Overflow, driver.Deposit(1, ExchangeDriver.Usd, long.MaxValue).Reason);

        // ETH-USD allows huge prices and quantities, so only the product can overflow.
        Assert.Equal(RejectReason.Overflow, driver.Limit(1, Side.Buy, long.MaxValue / 10_000, 1_000_000, instrument: ExchangeDriver.EthUsd).Reason);
        Assert.Equal(RejectReason.Overflow, driver.Limit(1, Side.Sell, 3, long.MaxValue / 2, instrument: ExchangeDriver.EthUsd).Reason);
        Assert.Equal(1_000_000_000, driver.Balance(1, ExchangeDriver.Usd).Free);
        Invariants.Check(driver.Engine);
    }

    private static byte[] Mutate(byte[] entry, (int Position, byte Value)[] flips)
    {
        var copy = (byte[])entry.Clone();
        foreach (var (position, value) in flips)
        {
            if (position < copy.Length)
            {
                copy[position] = value;
            }
            else if (position % 3 == 0 && copy.Length > 0)
            {
                copy = copy[..(position % copy.Length)];
            }
        }

        return copy;
    }

    private static byte[][] Encode(params Command[] commands)
    {
        var result = new byte[commands.Length][];
        var buffer = new byte[CommandCodec.MaxEntrySize];
        for (var i = 0; i < commands.Length; i++)
        {
            var n = CommandCodec.Encode(buffer, commands[i]);
            result[i] = buffer[..n];
        }

        return result;
    }
}

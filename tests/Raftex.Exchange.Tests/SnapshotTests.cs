namespace Raftex.Exchange.Tests;

public sealed class SnapshotTests
{
    private static byte[] Snapshot(ExchangeDriver x)
    {
        using var stream = new MemoryStream();
        x.Engine.WriteSnapshot(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Restored_engine_has_the_same_digest_hash_books_balances_and_continues_identically()
    {
        var x = ExchangeDriver.Busy(out var session);
        var bytes = Snapshot(x);
        var copy = new ExchangeDriver(ExchangeStateMachine.Restore(new MemoryStream(bytes)));
        Assert.Equal(x.Engine.Digest(), copy.Engine.Digest());
        Assert.Equal(x.Engine.StateHash, copy.Engine.StateHash);
        Assert.Equal(x.Engine.LastAppliedIndex, copy.Engine.LastAppliedIndex);
        Assert.Equal(x.Engine.Orders(0, Side.Buy), copy.Engine.Orders(0, Side.Buy));
        Assert.Equal(x.Balance(1, ExchangeDriver.Usd), copy.Balance(1, ExchangeDriver.Usd));
        Assert.Equal(bytes, Snapshot(copy));

        // Idempotency memory and sessions survive: the same retries are still duplicates.
        Assert.True(copy.Limit(1, Side.Buy, 995, 10, clientId: 3).IsDuplicate);
        Assert.True(copy.Place(2, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 1000, 4, session: session, seq: 1).IsDuplicate);
        Assert.True(x.Limit(1, Side.Buy, 995, 10, clientId: 3).IsDuplicate);
        Assert.True(x.Place(2, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 1000, 4, session: session, seq: 1).IsDuplicate);
        Assert.Equal(x.Engine.StateHash, copy.Engine.StateHash);
    }

    [Fact]
    public void Snapshot_with_a_flipped_bit_is_refused_with_a_checksum_error()
    {
        var bytes = Snapshot(ExchangeDriver.Busy(out _));
        bytes[bytes.Length / 2] ^= 0x10;
        var e = Assert.Throws<SnapshotFormatException>(() => ExchangeStateMachine.Restore(new MemoryStream(bytes)));
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_with_an_unknown_version_is_refused_naming_the_version()
    {
        var bytes = Snapshot(ExchangeDriver.Busy(out _));
        bytes[4] = 9;
        var e = Assert.Throws<SnapshotFormatException>(() => ExchangeStateMachine.Restore(new MemoryStream(bytes)));
        Assert.Contains("version 9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_or_foreign_snapshot_is_refused()
    {
        var bytes = Snapshot(ExchangeDriver.Busy(out _));
        foreach (var length in new[] { 0, 5, 14, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.Throws<SnapshotFormatException>(() => ExchangeStateMachine.Restore(new MemoryStream(bytes[..length])));
        }

        var foreign = (byte[])bytes.Clone();
        foreign[0] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<SnapshotFormatException>(() => ExchangeStateMachine.Restore(new MemoryStream(foreign))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Queries_with_zero_or_unknown_ids_find_nothing()
    {
        var x = ExchangeDriver.Busy(out _);
        Assert.False(x.Engine.TryGetOrder(0, out _));
        Assert.False(x.Engine.TryGetOrder(-5, out _));
        Assert.False(x.Engine.TryGetOrder(0, 3, out _));
        Assert.Equal(default, x.Engine.Balance(0, ExchangeDriver.Usd));
        Assert.Equal(default, x.Engine.Balance(99, ExchangeDriver.Usd));
        Assert.Equal(RejectReason.UnknownOrder, x.Cancel(1, orderId: -1).Reason);
    }
}

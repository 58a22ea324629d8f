using System.Buffers.Binary;

namespace Raftex.Exchange.Tests;

public sealed class SnapshotChecksumTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Pieces_of_any_size_give_the_checksum_a_snapshot_stores(int chunk)
    {
        var machine = new ExchangeDriver().Engine;
        using var stream = new MemoryStream();
        machine.WriteSnapshot(stream);
        var snapshot = stream.ToArray();
        var body = snapshot.AsSpan(14, snapshot.Length - 22);
        var stored = BinaryPrimitives.ReadUInt64LittleEndian(snapshot.AsSpan(snapshot.Length - 8));

        var checksum = new SnapshotChecksum(body.Length);
        for (var at = 0; at < body.Length; at += Math.Max(chunk, 1) + (at % 3))
        {
            checksum.Append(body.Slice(at, Math.Min(Math.Max(chunk, 1) + (at % 3), body.Length - at)));
        }

        Assert.Equal(stored, chunk == 0 ? SnapshotChecksum.Of(body) : checksum.Finish());
        Assert.NotEqual(stored, SnapshotChecksum.Of(body[1..]));
    }

    [Fact]
    public void A_body_summary_reads_what_the_whole_snapshot_records()
    {
        var machine = new ExchangeDriver().Engine;
        using var stream = new MemoryStream();
        machine.WriteSnapshot(stream);
        var snapshot = stream.ToArray();
        var whole = ExchangeStateMachine.ReadSummary(snapshot);
        Assert.Equal(whole, ExchangeStateMachine.ReadBodySummary(whole.Version, snapshot.AsSpan(14, snapshot.Length - 22)));
        Assert.Throws<SnapshotFormatException>(() => ExchangeStateMachine.ReadBodySummary(whole.Version, snapshot.AsSpan(14, 3)));
    }
}

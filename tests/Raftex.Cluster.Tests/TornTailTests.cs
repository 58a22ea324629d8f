using System.Buffers.Binary;

namespace Raftex.Cluster.Tests;

/// <summary>What a node's restart cut from the end of its WAL shows in its log and metrics, telling a torn write from lost records.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TornTailTests
{
    private const int SegmentHeader = 48;
    private const int RecordHeader = 9;

    [Fact]
    public async Task A_cut_record_is_logged_as_an_interrupted_write_and_a_damaged_complete_one_as_a_warning_both_with_file_offset_and_counts()
    {
        using var cluster = new TestCluster(1);
        cluster.Bootstrap(1);
        await cluster.WaitForLeaderAsync();
        var load = await Load.StartFundedAsync(cluster, new History(), unaryClients: 1, sessionClients: 0);
        await load.ProgressAsync(30);
        await load.StopAsync();

        // A record cut short, as a crash in the middle of its write leaves it.
        cluster.Kill(1);
        var (segment, last, size) = LastRecord(cluster);
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(last + RecordHeader + 1);
        }

        var torn = await RestartAsync(cluster);
        var cut = Assert.Single(torn.Lines, l => l.Contains("WAL tail discarded", StringComparison.Ordinal));
        Assert.StartsWith("info:", cut.Split(' ', 2)[1], StringComparison.Ordinal);
        Assert.Contains("1 record(s) cut short by an interrupted write", cut, StringComparison.Ordinal);
        Assert.Contains($"from {segment} at offset {last}", cut, StringComparison.Ordinal);
        Assert.Equal(1, Scrape.Value(torn.Metrics, "raftex_wal_torn_tail_records_total", "record=\"cut_short\""));
        Assert.Equal(0, Scrape.Value(torn.Metrics, "raftex_wal_torn_tail_records_total", "record=\"complete\""));
        Assert.True(Scrape.Value(torn.Metrics, "raftex_wal_torn_tail_bytes_total") is > 0 and <= RecordHeader + 1);

        // A record written whole whose last byte changed afterwards: fsynced data is gone, which is worth a warning.
        cluster.Kill(1);
        (segment, last, size) = LastRecord(cluster);
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            var b = new byte[1];
            file.Position = last + size - 1;
            file.ReadExactly(b);
            b[0] ^= 0x01;
            file.Position = last + size - 1;
            file.Write(b);
        }

        var damaged = await RestartAsync(cluster);
        var warning = Assert.Single(damaged.Lines, l => l.Contains("WAL tail discarded", StringComparison.Ordinal));
        Assert.StartsWith("warn:", warning.Split(' ', 2)[1], StringComparison.Ordinal);
        Assert.Contains($"WAL tail discarded: {size} bytes, 1 record(s) of which 1 complete, from {segment} at offset {last}", warning, StringComparison.Ordinal);
        Assert.Equal(1, Scrape.Value(damaged.Metrics, "raftex_wal_torn_tail_records_total", "record=\"complete\""));
        Assert.Equal(0, Scrape.Value(damaged.Metrics, "raftex_wal_torn_tail_records_total", "record=\"cut_short\""));
        Assert.Equal(size, Scrape.Value(damaged.Metrics, "raftex_wal_torn_tail_bytes_total"));

        // A clean stop leaves nothing to discard: no such line, and the counters exported at zero.
        Assert.True(cluster.Slot(1).Process!.Terminate(TestCluster.Converge));
        var clean = await RestartAsync(cluster);
        Assert.DoesNotContain(clean.Lines, l => l.Contains("WAL tail discarded", StringComparison.Ordinal));
        Assert.Equal(0, Scrape.Value(clean.Metrics, "raftex_wal_torn_tail_bytes_total"));
    }

    /// <summary>Starts node 1 again and returns its output lines and metrics once it leads.</summary>
    private static async Task<(string[] Lines, string Metrics)> RestartAsync(TestCluster cluster)
    {
        var process = cluster.Start(1);
        await cluster.UntilAsync(() => cluster.StatusAsync(1), s => s.LeaderId == 1, "node 1 to restart and lead");
        var metrics = await cluster.UntilAsync(() => Scrape.MetricsAsync(cluster, 1), m => m.Contains("raftex_wal_torn_tail_bytes_total", StringComparison.Ordinal), "node 1's metrics");
        return (process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), metrics);
    }

    /// <summary>The newest segment of node 1's WAL, and the offset and framed size of its last record (the framing the WAL README gives).</summary>
    private static (string Segment, long Offset, int Size) LastRecord(TestCluster cluster)
    {
        var segment = Directory.GetFiles(Path.Combine(cluster.Slot(1).DataDir, "wal"), "*.wal").Order(StringComparer.Ordinal).Last();
        var bytes = File.ReadAllBytes(segment);
        int at = SegmentHeader, last = -1, size = 0;
        while (at + RecordHeader <= bytes.Length && bytes[at + 8] != 0)
        {
            last = at;
            size = RecordHeader + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            at += size;
        }

        Assert.True(last >= 0, $"{segment} holds no record");
        return (segment, last, size);
    }
}

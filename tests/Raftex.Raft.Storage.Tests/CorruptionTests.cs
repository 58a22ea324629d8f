using System.Buffers.Binary;

namespace Raftex.Raft.Storage.Tests;

public sealed class CorruptionTests
{
    private static void WriteEntries(string directory, WalOptions options, int count)
    {
        var (log, _) = WriteAheadLog.Open(directory, options);
        using (log)
        {
            for (long i = 1; i <= count; i += 5)
            {
                log.Save(new HardState(1, 1, i), Log.Entries(i, i + 4, 1));
                log.Sync();
            }
        }
    }

    [Theory]
    [InlineData(0)] // length field
    [InlineData(5)] // checksum field
    [InlineData(8)] // type byte
    [InlineData(20)] // payload
    public void A_flipped_byte_in_the_middle_of_the_last_segment_is_reported_with_file_and_offset(int byteInRecord)
    {
        using var dir = new TempDirectory();
        WriteEntries(dir.Path, WalOptions.Default, 50);
        var segment = Log.SegmentFiles(dir.Path).Single();
        var bytes = File.ReadAllBytes(segment);
        var boundaries = Log.RecordBoundaries(bytes);
        var victim = boundaries[boundaries.Count / 2];
        bytes[victim + byteInRecord] ^= 0x10;
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(dir.Path));
        Assert.Equal(segment, error.SegmentPath);
        Assert.Equal(victim, error.Offset);
        Assert.Contains(Path.GetFileName(segment), error.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {victim}", error.Message, StringComparison.Ordinal);

        // Refusing must not have touched the file.
        Assert.Equal(bytes, File.ReadAllBytes(segment));
    }

    [Fact]
    public void A_flipped_byte_in_a_non_last_segment_is_reported_even_at_its_tail()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 4096 };
        WriteEntries(dir.Path, options, 300);
        var segments = Log.SegmentFiles(dir.Path);
        Assert.True(segments.Length >= 3);
        var victimFile = segments[1];
        var bytes = File.ReadAllBytes(victimFile);
        var boundaries = Log.RecordBoundaries(bytes);
        // The last record of a closed segment: in the last segment this would look like a torn write.
        var victim = boundaries[^2];
        bytes[victim + 12] ^= 0x01;
        File.WriteAllBytes(victimFile, bytes);

        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(dir.Path, options));
        Assert.Equal(victimFile, error.SegmentPath);
        Assert.Equal(victim, error.Offset);
    }

    [Fact]
    public void A_non_last_segment_cut_short_is_corruption_not_a_torn_tail()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 4096 };
        WriteEntries(dir.Path, options, 300);
        var victimFile = Log.SegmentFiles(dir.Path)[0];
        var bytes = File.ReadAllBytes(victimFile);
        File.WriteAllBytes(victimFile, bytes[..^3]);

        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(dir.Path, options));
        Assert.Equal(victimFile, error.SegmentPath);
    }

    [Fact]
    public void A_missing_middle_segment_is_reported()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 4096 };
        WriteEntries(dir.Path, options, 300);
        var segments = Log.SegmentFiles(dir.Path);
        File.Delete(segments[1]);

        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(dir.Path, options));
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_first_segment_without_a_snapshot_is_reported()
    {
        using var dir = new TempDirectory();
        var options = new WalOptions { SegmentSize = 4096 };
        WriteEntries(dir.Path, options, 300);
        File.Delete(Log.SegmentFiles(dir.Path)[0]);

        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(dir.Path, options));
        Assert.Contains("no snapshot marker covers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_format_version_is_refused_with_a_clear_error()
    {
        using var dir = new TempDirectory();
        WriteEntries(dir.Path, WalOptions.Default, 10);
        var segment = Log.SegmentFiles(dir.Path).Single();
        var bytes = File.ReadAllBytes(segment);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 9);
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<WalFormatException>(() => WriteAheadLog.Open(dir.Path));
        Assert.Equal(9u, error.Version);
        Assert.Contains("format version 9", error.Message, StringComparison.Ordinal);
        Assert.Contains(segment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_segment_header_is_reported_at_offset_zero()
    {
        using var dir = new TempDirectory();
        WriteEntries(dir.Path, WalOptions.Default, 10);
        var segment = Log.SegmentFiles(dir.Path).Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[26] ^= 0x01; // first index
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(dir.Path));
        Assert.Equal(0, error.Offset);
        Assert.Contains("header", error.Message, StringComparison.Ordinal);
    }
}

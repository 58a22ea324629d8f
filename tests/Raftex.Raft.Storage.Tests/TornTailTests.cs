namespace Raftex.Raft.Storage.Tests;

public sealed class TornTailTests
{
    // Covers the hard state, the truncate record, the rewritten entries and the last append.
    private const int RecordsAtRisk = 6;

    /// <summary>Writes a small log whose last segment ends with entries, a hard state and a truncation + rewrite.</summary>
    private static (Entry[] Entries, string Segment) WriteLog(string directory)
    {
        var (log, _) = WriteAheadLog.Open(directory);
        using (log)
        {
            log.Save(new HardState(1, 1, 0), Log.Entries(1, 6, 1));
            log.Sync();
            log.Save(new HardState(2, 2, 3), [Log.Entry(5, 2, "five"), Log.Entry(6, 2, "six")]);
            log.Sync();
            log.Save(null, [Log.Entry(7, 2, "seven")]);
            log.Sync();
        }

        return (Log.Entries(1, 4, 1).Concat([Log.Entry(5, 2, "five"), Log.Entry(6, 2, "six"), Log.Entry(7, 2, "seven")]).ToArray(), Log.SegmentFiles(directory).Single());
    }

    /// <summary>The entries replay must produce from the records that end at or before <paramref name="length"/>.</summary>
    private static string[] ExpectedPrefix(string fullDirectory, int length)
    {
        // Build the expectation independently of the recovery code: replay the same records, cut at a record
        // boundary, through a copy whose file is exactly that prefix (no torn bytes to handle).
        var source = Log.SegmentFiles(fullDirectory).Single();
        var bytes = File.ReadAllBytes(source);
        var boundaries = Log.RecordBoundaries(bytes);
        var cut = boundaries.Last(b => b <= length);
        using var scratch = new TempDirectory();
        File.WriteAllBytes(Path.Combine(scratch.Path, Path.GetFileName(source)), bytes[..cut]);
        var (log, recovery) = WriteAheadLog.Open(scratch.Path);
        log.Dispose();
        Assert.Equal(0, recovery.DiscardedTailBytes);
        return Log.Describe(recovery.Entries);
    }

    [Fact]
    public void Truncating_the_file_at_every_byte_of_the_last_records_keeps_exactly_the_complete_records()
    {
        using var dir = new TempDirectory();
        var full = dir.Sub("full");
        var (entries, segment) = WriteLog(full);
        var bytes = File.ReadAllBytes(segment);
        var boundaries = Log.RecordBoundaries(bytes);
        Assert.True(boundaries.Count > RecordsAtRisk + 2, "the log should hold more records than are cut");
        var firstCut = boundaries[^(RecordsAtRisk + 1)];

        // Expected survivors at each boundary, computed once per boundary.
        var expectedAt = new Dictionary<int, string[]>();
        foreach (var boundary in boundaries.Where(b => b >= firstCut))
        {
            expectedAt[boundary] = ExpectedPrefix(full, boundary);
        }

        Assert.Equal(Log.Describe(entries), expectedAt[bytes.Length]);

        for (var length = firstCut; length < bytes.Length; length++)
        {
            var case_ = dir.Sub($"cut-{length}");
            Directory.CreateDirectory(case_);
            var copy = Path.Combine(case_, Path.GetFileName(segment));
            File.WriteAllBytes(copy, bytes[..length]);
            var complete = boundaries.Last(b => b <= length);

            var (log, recovery) = WriteAheadLog.Open(case_);
            using (log)
            {
                Assert.Equal(expectedAt[complete], Log.Describe(recovery.Entries));
                // Torn bytes are counted up to the last non-zero one: trailing zeros look like preallocated space.
                var torn = bytes.AsSpan(complete, length - complete).LastIndexOfAnyExcept((byte)0) + 1;
                Assert.Equal(torn, recovery.DiscardedTailBytes);
                if (torn > 0)
                {
                    // A cut leaves at most one record short, and never a complete one behind: the harmless kind of torn tail.
                    Assert.Equal(new WalTornTail(copy, complete, torn, Records: 1, CompleteRecords: 0), recovery.TornTail);
                }
                else
                {
                    Assert.Null(recovery.TornTail);
                }

                Assert.Equal(complete, new FileInfo(copy).Length);

                // The cut tail must not get in the way of new appends.
                log.Save(null, [Log.Entry(log.LastIndex + 1, Math.Max(log.LastTerm, 2), "after-cut")]);
                log.Sync();
            }

            var (again, second) = WriteAheadLog.Open(case_);
            using (again)
            {
                Assert.Equal(expectedAt[complete].Length + 1, second.Entries.Count);
                Assert.Equal(expectedAt[complete], Log.Describe(second.Entries.Take(expectedAt[complete].Length)));
                Assert.Equal("after-cut", System.Text.Encoding.UTF8.GetString(second.Entries[^1].Data.Span));
                Assert.Equal(0, second.DiscardedTailBytes);
            }

            Directory.Delete(case_, recursive: true);
        }
    }

    [Fact]
    public void A_zero_filled_tail_is_treated_as_empty_space_and_cut_back_to_the_last_record()
    {
        using var dir = new TempDirectory();
        var (entries, segment) = WriteLog(dir.Path);
        var length = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            stream.Write(new byte[8192]);
        }

        var (log, recovery) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            Assert.Equal(Log.Describe(entries), Log.Describe(recovery.Entries));
            Assert.Equal(0, recovery.DiscardedTailBytes);
            Assert.Equal(length, new FileInfo(segment).Length);
        }
    }

    [Fact]
    public void A_bad_checksum_in_the_very_last_record_drops_only_that_record()
    {
        using var dir = new TempDirectory();
        var (entries, segment) = WriteLog(dir.Path);
        var bytes = File.ReadAllBytes(segment);
        var boundaries = Log.RecordBoundaries(bytes);
        bytes[^2] ^= 0x40;
        File.WriteAllBytes(segment, bytes);

        var (log, recovery) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            Assert.Equal(Log.Describe(entries[..^1]), Log.Describe(recovery.Entries));
            Assert.True(recovery.DiscardedTailBytes > 0);
            // The record was written whole and damaged afterwards: that is the kind of tail worth an alarm.
            Assert.Equal(new WalTornTail(segment, boundaries[^2], bytes.Length - boundaries[^2], Records: 1, CompleteRecords: 1), recovery.TornTail);
        }
    }

    [Fact]
    public void A_damaged_complete_record_before_a_cut_short_one_counts_both_and_one_as_complete()
    {
        using var dir = new TempDirectory();
        var (entries, segment) = WriteLog(dir.Path);
        var bytes = File.ReadAllBytes(segment);
        var boundaries = Log.RecordBoundaries(bytes);
        var damaged = boundaries[^3];
        bytes[boundaries[^2] - 1] ^= 0x01;
        // The last record (entry 7) keeps its header and the first byte of its index, 7: the rest is gone.
        var length = boundaries[^2] + WalRecord.HeaderSize + 1;
        File.WriteAllBytes(segment, bytes[..length]);

        var (log, recovery) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            // The damaged record is the hard state of the batch before; entry 7 goes with the tail.
            Assert.Equal(Log.Describe(entries[..^1]), Log.Describe(recovery.Entries));
            Assert.Equal(new HardState(1, 1, 0), recovery.HardState);
            Assert.Equal(new WalTornTail(segment, damaged, length - damaged, Records: 2, CompleteRecords: 1), recovery.TornTail);
            Assert.Equal(damaged, new FileInfo(segment).Length);
        }
    }

    [Fact]
    public void A_zeroed_record_followed_by_valid_records_is_refused_not_treated_as_torn()
    {
        // A hole with valid data behind it may hide acknowledged entries: the policy is to refuse, never to guess.
        using var dir = new TempDirectory();
        var (_, segment) = WriteLog(dir.Path);
        var bytes = File.ReadAllBytes(segment);
        var boundaries = Log.RecordBoundaries(bytes);
        var hole = boundaries[^4];
        Array.Clear(bytes, hole, boundaries[^3] - hole);
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(dir.Path));
        Assert.Equal(hole, error.Offset);
        Assert.Equal(bytes.Length, new FileInfo(segment).Length);
    }

    [Fact]
    public void A_segment_left_under_its_temporary_name_by_a_crash_is_removed()
    {
        using var dir = new TempDirectory();
        var (entries, _) = WriteLog(dir.Path);
        var stray = Path.Combine(dir.Path, SegmentHeader.FileName(1, 8) + ".tmp");
        File.WriteAllBytes(stray, new byte[20]);

        var (log, recovery) = WriteAheadLog.Open(dir.Path);
        using (log)
        {
            Assert.Equal(Log.Describe(entries), Log.Describe(recovery.Entries));
            Assert.False(File.Exists(stray));
        }
    }
}

namespace Raftex.Raft.Storage.Tests;

/// <summary>Random damage anywhere in a multi-segment log never yields wrong entries or an unexpected exception.</summary>
public sealed class DamageTests
{
    [Fact]
    public void A_flipped_byte_anywhere_is_refused_precisely_or_costs_at_most_the_tail_of_the_last_segment()
    {
        using var dir = new TempDirectory();
        var pristine = dir.Sub("pristine");
        var options = new WalOptions { SegmentSize = 4096, PreallocationSize = 0 };
        var (log, _) = WriteAheadLog.Open(pristine, options);
        using (log)
        {
            var random = new Random(11);
            for (long i = 1; i <= 200; i += 4)
            {
                var entries = Enumerable.Range(0, 4).Select(k =>
                {
                    var data = new byte[random.Next(0, 120)];
                    random.NextBytes(data);
                    return new Entry(i + k, 1 + (i / 50), EntryType.Normal, data);
                }).ToArray();
                log.Save(new HardState(1 + (i / 50), 1, i), entries);
                log.Sync();
            }
        }

        var (reader, pristineRecovery) = WriteAheadLog.Open(pristine, options);
        reader.Dispose();
        var original = Log.Describe(pristineRecovery.Entries);
        var segments = Log.SegmentFiles(pristine).Select(Path.GetFileName).ToArray();
        Assert.True(segments.Length >= 3);
        var refused = 0;
        var shortened = 0;
        var trials = new Random(5);
        for (var trial = 0; trial < 150; trial++)
        {
            var copy = dir.Sub($"trial-{trial}");
            Log.CopyDirectory(pristine, copy);
            var victim = trials.Next(segments.Length);
            var path = Path.Combine(copy, segments[victim]!);
            var bytes = File.ReadAllBytes(path);
            var offset = trials.Next(bytes.Length);
            bytes[offset] ^= (byte)(1 << trials.Next(8));
            File.WriteAllBytes(path, bytes);

            try
            {
                var (opened, recovery) = WriteAheadLog.Open(copy, options);
                opened.Dispose();
                var recovered = Log.Describe(recovery.Entries);
                Assert.True(recovered.Length <= original.Length, $"trial {trial}: more entries than were written");
                Assert.Equal(original[..recovered.Length], recovered);
                if (recovered.Length < original.Length)
                {
                    // Losing entries is only allowed for damage in the very last record of the last segment.
                    Assert.Equal(segments.Length - 1, victim);
                    Assert.True(offset >= Log.RecordBoundaries(File.ReadAllBytes(Path.Combine(pristine, segments[victim]!)))[^2],
                        $"trial {trial}: entries lost for damage at {offset}, before the last record");
                    shortened++;
                }
            }
            catch (WalCorruptionException e)
            {
                Assert.Equal(path, e.SegmentPath);
                Assert.InRange(e.Offset, 0, bytes.Length);
                refused++;
            }
            catch (WalFormatException e)
            {
                Assert.Equal(path, e.FilePath);
                refused++;
            }

            Directory.Delete(copy, recursive: true);
        }

        Assert.True(refused > 100, $"only {refused} of 150 flips were refused ({shortened} cost the last record)");
    }
}

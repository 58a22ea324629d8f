namespace Raftex.Raft.Storage.Tests;

/// <summary>
/// Random sequences of appends, conflicting overwrites, hard state changes, compactions, installed snapshots and
/// reopens, checked against a plain in-memory model of the log after every reopen.
/// </summary>
public sealed class ModelTests
{
    private sealed class Model
    {
        public List<Entry> Entries { get; } = [];

        public long BaseIndex { get; set; }

        public long BaseTerm { get; set; }

        public HardState HardState { get; set; }

        public long LastIndex => Entries.Count > 0 ? Entries[^1].Index : BaseIndex;

        public long TermAt(long index) => index == BaseIndex ? BaseTerm : Entries[(int)(index - BaseIndex - 1)].Term;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_recovered_log_always_matches_the_model(int seed)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        var options = new WalOptions { SegmentSize = 4096 };
        var model = new Model();
        long term = 1;
        int released = 0, reopened = 0;
        var (log, _) = WriteAheadLog.Open(dir.Path, options);
        try
        {
            for (var step = 0; step < 250; step++)
            {
                var roll = random.Next(100);
                if (roll < 45)
                {
                    if (random.Next(10) == 0)
                    {
                        term++;
                    }

                    var batch = MakeEntries(random, model.LastIndex + 1, random.Next(1, 9), term);
                    HardState? hs = random.Next(3) == 0 ? new HardState(term, random.Next(4), model.LastIndex) : null;
                    log.Save(hs, batch);
                    model.Entries.AddRange(batch);
                    model.HardState = hs ?? model.HardState;
                }
                else if (roll < 55 && model.Entries.Count > 0)
                {
                    // A follower overwrites a conflicting suffix with a newer leader's entries.
                    term++;
                    var from = random.NextInt64(model.BaseIndex + 1, model.LastIndex + 1);
                    var batch = MakeEntries(random, from, random.Next(1, 6), term);
                    log.Save(null, batch);
                    model.Entries.RemoveRange((int)(from - model.BaseIndex - 1), model.Entries.Count - (int)(from - model.BaseIndex - 1));
                    model.Entries.AddRange(batch);
                }
                else if (roll < 65)
                {
                    var hs = new HardState(term, random.Next(4), random.NextInt64(0, model.LastIndex + 1));
                    log.Save(hs, []);
                    model.HardState = hs;
                }
                else if (roll < 72 && model.Entries.Count > 0)
                {
                    // Local compaction: a snapshot of applied state, then the covered segments go.
                    var at = random.NextInt64(model.BaseIndex + 1, model.LastIndex + 1);
                    var snapshotTerm = model.TermAt(at);
                    log.SaveSnapshot(new SnapshotMetadata(at, snapshotTerm, new ConfState([1, 2, 3], [])));
                    log.Sync();
                    released += log.ReleaseTo(at);
                    model.Entries.RemoveRange(0, (int)(at - model.BaseIndex));
                    model.BaseIndex = at;
                    model.BaseTerm = snapshotTerm;
                }
                else if (roll < 75)
                {
                    // A follower installs a leader snapshot beyond its log: the log restarts after it.
                    term++;
                    var at = model.LastIndex + random.Next(1, 6);
                    log.SaveSnapshot(new SnapshotMetadata(at, term, new ConfState([1, 2, 3], [])));
                    model.Entries.Clear();
                    model.BaseIndex = at;
                    model.BaseTerm = term;
                }
                else if (roll < 90)
                {
                    log.Sync();
                }
                else
                {
                    log.Dispose();
                    (log, var recovery) = WriteAheadLog.Open(dir.Path, options);
                    AssertMatches(model, recovery, step);
                    reopened++;
                }
            }

            log.Dispose();
            (log, var final) = WriteAheadLog.Open(dir.Path, options);
            AssertMatches(model, final, -1);

            // The run must have exercised what it claims to: segments released by compaction, and reopens.
            Assert.True(released > 0, "no segment was ever released");
            Assert.True(reopened > 0, "the log was never reopened mid-run");
        }
        finally
        {
            log.Dispose();
        }
    }

    private static Entry[] MakeEntries(Random random, long from, int count, long term)
    {
        var entries = new Entry[count];
        for (var i = 0; i < count; i++)
        {
            var data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            entries[i] = new Entry(from + i, term, random.Next(8) == 0 ? EntryType.ConfChange : EntryType.Normal, data);
        }

        return entries;
    }

    private static void AssertMatches(Model model, WalRecovery recovery, int step)
    {
        Assert.True(model.HardState == recovery.HardState, $"step {step}: hard state {recovery.HardState}, model {model.HardState}");
        Assert.Equal(model.BaseIndex, recovery.Snapshot.Index);
        Assert.Equal(model.BaseTerm, recovery.Snapshot.Term);
        Assert.Equal(Log.Describe(model.Entries), Log.Describe(recovery.Entries));
    }
}

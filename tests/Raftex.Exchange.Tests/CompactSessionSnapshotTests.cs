namespace Raftex.Exchange.Tests;

/// <summary>Snapshot version 3: sessions in the compact layout, written only once the entry format is 3, and the older layouts still read.</summary>
public sealed class CompactSessionSnapshotTests
{
    /// <summary>The node's session settings: window 1024, timeout 10 min.</summary>
    private static readonly ExchangeConfig NodeConfig = ExchangeDriver.DefaultConfig(sessionTimeout: 600_000, sessionWindow: 1024);

    /// <summary>A version 2 snapshot written by the build before version 3, of <see cref="SessionStates.Build"/> raised to format 2.</summary>
    private const string SnapshotVersion2 =
        "UkZYUwIApwcAAAAAAAADAAAAA0JUQwNVU0QDRVRIAgAAAAdCVEMtVVNEAAAAAAEAAAAFAAAAAAAAAAIAAAAAAAAAAgAAAAAAAADoAwAAAAAAAOgDAAAAAAAA"
        + "0AcAAAAAAABAQg8AAAAAAAdFVEgtVVNEAgAAAAEAAAABAAAAAAAAAAEAAAAAAAAAAQAAAAAAAAD/////////f2QAAAAAAAAAAAAAAAAAAABliGNd3EYDAEBC"
        + "DwAAAAAACAAAAEBCDwAAAAAAHwAAAAAAAAATBAAAAAAAAMIqEuQfP9KYAh8AAAAAAAAAgIQeAAAAAABylDV3AAAAAICEHgAAAAAA6AMAAAAAAAADAAAAAAAA"
        + "AAAAAAAAAAAAAAAAAAAAAAACAAAAAQAAAAAAAABCQg8AAAAAAAAAAAAAAAAAR8KaOwAAAAAAAAAAAAAAAEBCDwAAAAAAAAAAAAAAAAACAAAAAAAAADxCDwAA"
        + "AAAAAgAAAAAAAAAr0po7AAAAAAAAAAAAAAAAQEIPAAAAAAAAAAAAAAAAAAAAAAABAAAACgAAAAAAAAACAAAAAAAAAAoAAAAAAAAA6AMAAAAAAAAEAAAAAAAA"
        + "AAIAAAAAAAAAAgAAAAAAAAABAQAAAAAAAAAAGAAAAAEAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAUAKEYPAAAAAAABAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAF"
        + "AChGDwAAAAAAAQAAAAAAAAADAAAAAAAAAAAAAAAAAAAABQAoRg8AAAAAAAIAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAUAKEYPAAAAAAACAAAAAAAAAAUAAAAA"
        + "AAAAAAAAAAAAAAAFAChGDwAAAAAAAgAAAAAAAAAGAAAAAAAAAAAAAAAAAAAABQAoRg8AAAAAAAIAAAAAAAAACgAAAAAAAAAKAAAAAAAAAAIAKEYPAAAAAAAB"
        + "AAAAAAAAAAsAAAAAAAAACwAAAAAAAAACAChGDwAAAAAAAQAAAAAAAAAOAAAAAAAAAAAAAAAAAAAABQA8Rg8AAAAAAAEAAAAAAAAADwAAAAAAAAAAAAAAAAAA"
        + "AAUAPEYPAAAAAAABAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAFADxGDwAAAAAAAgAAAAAAAAASAAAAAAAAAAAAAAAAAAAABQBHRg8AAAAAAAIAAAAAAAAAEwAA"
        + "AAAAAAAAAAAAAAAAAAUASEYPAAAAAAACAAAAAAAAABQAAAAAAAAAAAAAAAAAAAAFAElGDwAAAAAAAgAAAAAAAAAVAAAAAAAAAAAAAAAAAAAABQBKRg8AAAAA"
        + "AAIAAAAAAAAAFgAAAAAAAAAAAAAAAAAAAAUAS0YPAAAAAAACAAAAAAAAABcAAAAAAAAAAAAAAAAAAAAFAExGDwAAAAAAAgAAAAAAAAAYAAAAAAAAAAAAAAAA"
        + "AAAABQBNRg8AAAAAAAIAAAAAAAAAGQAAAAAAAAAAAAAAAAAAAAUATkYPAAAAAAACAAAAAAAAABoAAAAAAAAAAAAAAAAAAAAFAE9GDwAAAAAAAgAAAAAAAAAb"
        + "AAAAAAAAAAAAAAAAAAAABQBQRg8AAAAAAAIAAAAAAAAAHAAAAAAAAAAAAAAAAAAAAAUAUUYPAAAAAAACAAAAAAAAAB0AAAAAAAAAAAAAAAAAAAAFAFJGDwAA"
        + "AAAAAgAAAAAAAAAeAAAAAAAAAAAAAAAAAAAABQBTRg8AAAAAAAQAAAAHAAAAAAAAAOgDAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAA"
        + "AAIACgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAAAAAAAPIDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        + "AAAAAAAAAAAAAAAAAAAAAAANAAAAAAAAAPwDAAAAAAAAFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAUAAAAAAAAAAAACAAAAAAAAAAUAAAAA"
        + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAUAAAAAAAAAAUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        + "AAAAAAARAAAAAAAAABMEAAAAAAAADQAAAAAAAAAIAAAAAAAAAAUAAAAAAAAAAAAJAAAAAAAAAAUAAAAAAAAAAAAKAAAAAAAAAAUAAAAAAAAAAAALAAAAAAAA"
        + "AAUAAAAAAAAAAAAMAAAAAAAAAAUAAAAAAAAAAAANAAAAAAAAAAUAAAAAAAAAAAAGAAAAAAAAAAUAAAAAAAAAAAAHAAAAAAAAAAUAAAAAAAAAAADFnH/W3YaF"
        + "2w==";

    private static byte[] Snapshot(ExchangeStateMachine engine)
    {
        using var stream = new MemoryStream();
        engine.WriteSnapshot(stream);
        return stream.ToArray();
    }

    /// <summary>Continues from a snapshot with the same clock as <paramref name="original"/>, so both stamp equal entries.</summary>
    private static ExchangeDriver Restored(byte[] bytes, ExchangeDriver original) => new(ExchangeStateMachine.Restore(new MemoryStream(bytes))) { Time = original.Time };

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    public void The_snapshot_version_written_follows_the_entry_format_in_force(byte format, ushort snapshotVersion)
    {
        var x = SessionStates.Build(format);
        Assert.Equal(snapshotVersion, x.Engine.WrittenSnapshotVersion);
        Assert.Equal(snapshotVersion, BitConverter.ToUInt16(Snapshot(x.Engine), 4));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1_000)]
    public void An_idle_session_costs_at_most_1_KB_of_snapshot_in_version_3_and_more_in_the_full_window_layouts(int sessions)
    {
        foreach (var format in new byte[] { 2, 3 })
        {
            var empty = new ExchangeDriver(NodeConfig);
            var idle = new ExchangeDriver(NodeConfig);
            foreach (var x in new[] { empty, idle })
            {
                x.SetEntryFormat(format);
            }

            for (var i = 0; i < sessions; i++)
            {
                idle.RegisterSession();
            }

            // Index, log time and hash are fixed-size fields, so the difference is the sessions alone.
            var perSession = (Snapshot(idle.Engine).Length - Snapshot(empty.Engine).Length) / (double)sessions;
            if (format == 3)
            {
                Assert.True(perSession <= 1024, $"{perSession} snapshot bytes per idle session in version 3");
                Assert.True(perSession > 0, "idle sessions must be in the snapshot at all");
            }
            else
            {
                Assert.True(perSession > 1024 * 16, $"the full-window layout of version {format} wrote only {perSession} bytes per idle session");
            }
        }
    }

    [Fact]
    public void A_version_2_snapshot_of_the_previous_build_restores_is_rewritten_byte_for_byte_and_continues_after_a_raise_to_3()
    {
        var old = Convert.FromBase64String(SnapshotVersion2);
        Assert.Equal(2, BitConverter.ToUInt16(old, 4));
        var replayed = SessionStates.Build(2);
        var restored = Restored(old, replayed);
        Assert.Equal(replayed.Engine.StateHash, restored.Engine.StateHash);
        Assert.Equal(replayed.Engine.Digest(), restored.Engine.Digest());
        Assert.Equal(old, Snapshot(restored.Engine));
        Assert.Equal(old, Snapshot(replayed.Engine));

        restored.SetEntryFormat(3);
        replayed.SetEntryFormat(3);
        var compact = Restored(Snapshot(restored.Engine), replayed);
        Assert.Equal(3, compact.Engine.EntryFormatVersion);
        Assert.Equal(replayed.Engine.StateHash, compact.Engine.StateHash);
        Assert.Equal(replayed.Engine.Digest(), compact.Engine.Digest());
        var v3 = Snapshot(compact.Engine);
        Assert.True(v3.Length < old.Length, $"version 3 ({v3.Length} bytes) must be smaller than version 2 ({old.Length} bytes) for this state");
        ContinuesIdentically(replayed, compact);
    }

    [Fact]
    public void Version_3_round_trips_idle_sparse_and_wrapped_sessions_with_their_remembered_replies()
    {
        var straight = SessionStates.Build(3);
        var bytes = Snapshot(straight.Engine);
        var copy = Restored(bytes, straight);
        Assert.Equal(straight.Engine.SessionCount, copy.Engine.SessionCount);
        Assert.Equal(straight.Engine.SessionBytes, copy.Engine.SessionBytes);
        Assert.Equal(straight.Engine.StateHash, copy.Engine.StateHash);
        Assert.Equal(straight.Engine.Digest(), copy.Engine.Digest());
        Assert.Equal(bytes, Snapshot(copy.Engine));
        ContinuesIdentically(straight, copy);
    }

    [Fact]
    public void Version_3_expires_restored_sessions_at_the_same_log_time()
    {
        var straight = SessionStates.Build(3);
        var copy = Restored(Snapshot(straight.Engine), straight);
        var timeout = straight.Engine.Config.SessionTimeout;
        var expected = new[] { 2, 1 };
        for (var step = 0; step < 2; step++)
        {
            foreach (var x in new[] { straight, copy })
            {
                // First one tick short of the sparse session's timeout (the two before it expire), then exactly at it.
                x.Time = SessionStates.SparseLastActive + timeout - 1 + step;
                x.Deposit(3, ExchangeDriver.Usd, 1);
            }

            Assert.Equal(expected[step], straight.Engine.SessionCount);
            Assert.Equal(expected[step], copy.Engine.SessionCount);
            Assert.Equal(step == 0, copy.Engine.HasSession(SessionStates.SparseSession));
            Assert.True(copy.Engine.HasSession(SessionStates.FullSession));
            Assert.Equal(straight.Engine.StateHash, copy.Engine.StateHash);
        }
    }

    /// <summary>Retries of remembered sequences (inside and, after a jump, below the window), stale ones and new ones give equal answers.</summary>
    private static void ContinuesIdentically(ExchangeDriver expected, ExchangeDriver actual)
    {
        var probes = new (long Session, long Seq)[]
        {
            (SessionStates.SparseSession, 1), (SessionStates.SparseSession, 2), (SessionStates.SparseSession, 3), (SessionStates.SparseSession, 20),
            (SessionStates.SparseSession, 21), (SessionStates.FullSession, 5), (SessionStates.FullSession, 6), (SessionStates.FullSession, 13),
            (SessionStates.FullSession, 14), (SessionStates.FullSession, 14),
        };
        var answers = new List<string>();
        foreach (var (session, seq) in probes)
        {
            var a = expected.Deposit(1, ExchangeDriver.Usd, 7, txId: 9_000 + seq, session: session, seq: seq);
            var b = actual.Deposit(1, ExchangeDriver.Usd, 7, txId: 9_000 + seq, session: session, seq: seq);
            Assert.True(a.Describe() == b.Describe(), $"session {session} seq {seq}: {a.Describe()} vs {b.Describe()}");
            answers.Add($"{a.Reason}/{a.IsDuplicate}");
        }

        // The probes must exercise each path: a duplicate below the window (sparse seq 1), stale, fresh and a repeated fresh one.
        Assert.Equal(
            ["None/True", "None/True", "StaleSequence/False", "None/True", "None/False", "StaleSequence/False", "None/True", "None/True", "None/False", "None/True"],
            answers);
        Assert.Equal(expected.Engine.StateHash, actual.Engine.StateHash);
        Assert.Equal(expected.Engine.Digest(), actual.Engine.Digest());
    }
}

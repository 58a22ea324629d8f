using CsCheck;

namespace Raftex.Exchange.Tests;

/// <summary>Snapshots taken at random points and restored must continue exactly as if never taken; equal logs give equal hashes.</summary>
public sealed class SnapshotPropertyTests
{
    // Short retention and session timeout relative to the time steps, so expiry of client ids and sessions happens inside streams.
    private static readonly ExchangeConfig Config = ExchangeDriver.DefaultConfig(sessionTimeout: 600, sessionWindow: 4, retention: 150);

    /// <summary>A stream with per-command time steps, session use (including repeated and stale sequences) and two snapshot points.</summary>
    private static readonly Gen<(Command[] Commands, int[] Steps, int First, int Second)> SessionStream =
        from commands in CommandStreams.Stream
        from steps in Gen.Frequency((20, Gen.Int[0, 12]), (1, Gen.Int[100, 700])).Array[commands.Length]
        from sessionUse in Gen.Int[0, 9].Array[commands.Length]
        from first in Gen.Int[0, commands.Length]
        from second in Gen.Int[0, commands.Length]
        select (WithSessions(commands, sessionUse), steps, Math.Min(first, second), Math.Max(first, second));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Restoring_a_snapshot_at_random_points_continues_with_identical_results_and_hash(byte entryFormat)
    {
        // Format 1 writes the full-window session layout (snapshot version 1), format 3 the compact one (version 3).
        CommandStreams.ForEachSeed(SessionStream, 120, (seed, s) =>
        {
            var straight = new ExchangeDriver(Config);
            var restored = new ExchangeDriver(Config);
            straight.SetEntryFormat(entryFormat);
            restored.SetEntryFormat(entryFormat);
            Assert.Equal(entryFormat, restored.Engine.WrittenSnapshotVersion);
            straight.Apply(new Command { Type = CommandType.RegisterSession });
            restored.Apply(new Command { Type = CommandType.RegisterSession });
            for (var i = 0; i < s.Commands.Length; i++)
            {
                if (i == s.First || i == s.Second)
                {
                    var digest = restored.Engine.Digest();
                    var hash = restored.Engine.StateHash;
                    restored.SnapshotAndRestore();
                    Assert.Equal(digest, restored.Engine.Digest());
                    Assert.Equal(hash, restored.Engine.StateHash);
                }

                straight.Time += s.Steps[i];
                restored.Time += s.Steps[i];
                var a = straight.Apply(s.Commands[i]);
                var b = restored.Apply(s.Commands[i]);
                Assert.True(a.Describe() == b.Describe(), $"command {i}: {a.Describe()} vs {b.Describe()}");
                Assert.Equal(straight.Engine.StateHash, restored.Engine.StateHash);
            }

            Assert.Equal(straight.Engine.Digest(), restored.Engine.Digest());
            Invariants.Check(restored.Engine);
        });
    }

    [Fact]
    public void Session_streams_exercise_expiry_duplicates_and_stale_sequences()
    {
        var outcomes = new List<Outcome>();
        var remembered = new List<int>();
        CommandStreams.ForEachSeed(SessionStream, 30, (_, s) =>
        {
            var driver = new ExchangeDriver(Config);
            driver.Apply(new Command { Type = CommandType.RegisterSession });
            for (var i = 0; i < s.Commands.Length; i++)
            {
                driver.Time += s.Steps[i];
                outcomes.Add(driver.Apply(s.Commands[i]));
            }

            remembered.Add(driver.Engine.RememberedClientIds);
        });

        Assert.Contains(outcomes, o => o.Reason == RejectReason.UnknownSession);
        Assert.Contains(outcomes, o => o.Reason == RejectReason.StaleSequence);
        Assert.Contains(outcomes, o => o.IsDuplicate);

        // Retention is short, so the table must have forgotten most ids by the end of long streams.
        Assert.True(remembered.Max() < 200, $"client ids are not expiring: {remembered.Max()}");
    }

    [Fact]
    public void Two_engines_fed_the_same_log_have_equal_hashes_and_digests_and_a_different_log_differs()
    {
        CommandStreams.ForEachSeed(CommandStreams.Stream, 20, (_, commands) =>
        {
            var a = new ExchangeDriver(Config);
            var b = new ExchangeDriver(Config);
            foreach (var c in commands)
            {
                a.Apply(c);
                b.Apply(c);
            }

            Assert.Equal(a.Engine.StateHash, b.Engine.StateHash);
            Assert.Equal(a.Engine.Digest(), b.Engine.Digest());
            b.Deposit(1, ExchangeDriver.Usd, 1);
            a.Deposit(1, ExchangeDriver.Usd, 2);
            Assert.NotEqual(a.Engine.StateHash, b.Engine.StateHash);
            Assert.NotEqual(a.Engine.Digest(), b.Engine.Digest());
        });
    }

    private static Command[] WithSessions(Command[] commands, int[] use)
    {
        long sequence = 0;
        for (var i = 0; i < commands.Length; i++)
        {
            var c = commands[i];
            switch (use[i])
            {
                case < 4:
                    break;
                case < 8:
                    c.SessionId = 1;
                    c.SessionSequence = ++sequence;
                    break;
                case 8:
                    c.SessionId = 1;
                    c.SessionSequence = Math.Max(1, sequence - 2);
                    break;
                default:
                    c.SessionId = 1;
                    c.SessionSequence = Math.Max(1, sequence - 9);
                    break;
            }

            commands[i] = c;
        }

        return commands;
    }
}

using Raftex.Exchange;

namespace Raftex.Simulation.Tests;

/// <summary>
/// Log time under steps of the stamping clock, at the exchange level: three nodes whose wall clocks step forward and back
/// by up to years at random, leaders that change after election gaps and take over a random part of the deposed leader's
/// uncommitted tail, and a real <see cref="ExchangeStateMachine"/> applying the committed log. The checker demands that
/// every retry of an acknowledged transaction id within its retention (in simulated real time) is answered as a duplicate
/// and that a session used within its timeout is still known. The same run with the stamping rule of before (max of the
/// last log time and the leader's wall clock) must be caught, so the checker is known to bite.
/// </summary>
public sealed class StampingClockSimulationTests
{
    private const long Retention = 60_000;
    private const long SessionTimeout = 30_000;
    private const long Year = 365L * 24 * 3600 * 1000;

    [Fact]
    public void No_step_of_any_wall_clock_makes_an_acknowledged_id_apply_twice_or_a_live_session_expire()
    {
        for (var seed = 1; seed <= 60; seed++)
        {
            var run = new StampingRun(seed, legacyWallClockStamps: false);
            run.Run(steps: 4_000);
            Assert.True(run.Violations.Count == 0, $"seed {seed}: {string.Join("; ", run.Violations.Take(3))}");
            Assert.True(run.RetriesChecked > 40, $"seed {seed}: only {run.RetriesChecked} retries within retention were checked");
            Assert.True(run.WallSteps > 50, $"seed {seed}: only {run.WallSteps} wall-clock steps");
            Assert.True(run.LeaderChanges > 50, $"seed {seed}: only {run.LeaderChanges} leader changes");
        }
    }

    [Fact]
    public void The_checker_catches_the_wall_clock_stamping_rule()
    {
        var caught = 0;
        for (var seed = 1; seed <= 10; seed++)
        {
            var run = new StampingRun(seed, legacyWallClockStamps: true);
            run.Run(steps: 4_000);
            caught += run.Violations.Count > 0 ? 1 : 0;
        }

        Assert.True(caught >= 8, $"the wall-clock rule was caught in only {caught} of 10 seeds");
    }

    private sealed class StampingRun(int seed, bool legacyWallClockStamps)
    {
        private readonly Random _random = new(seed);
        private readonly ExchangeStateMachine _engine = new(new ExchangeConfig(
            ["USD", "BTC"], [new InstrumentSpec("BTC-USD", 1, 0, 1, 1, 1, 1_000_000, 100_000, 0)], SessionTimeout, 8, Retention));
        private readonly ApplyResult _result = new();
        private readonly long[] _monotonicOffset = new long[3];
        private readonly long[] _wallOffset = new long[3];
        private readonly StampingClock[] _clocks = [new(), new(), new()];
        private readonly List<Pending> _tail = [];
        private readonly Dictionary<long, long> _acknowledgedAt = [];
        private readonly List<long> _acknowledged = [];
        private long _now = 1_000;
        private long _index;
        private long _nextTransaction = 1;
        private int _leader;
        private long _lastStampInLog;
        private long _session;
        private long _sessionSequence;
        private long _sessionUsedAt;

        public List<string> Violations { get; } = [];

        public int RetriesChecked { get; private set; }

        public int WallSteps { get; private set; }

        public int LeaderChanges { get; private set; }

        public void Run(int steps)
        {
            for (var i = 0; i < 3; i++)
            {
                _monotonicOffset[i] = _random.NextInt64(0, Year);
                _wallOffset[i] = _random.NextInt64(-1_000, 1_000);
            }

            Elect(_random.Next(3));
            Propose(Register());
            Commit();
            for (var step = 0; step < steps; step++)
            {
                var r = _random.NextDouble();
                if (r < 0.30)
                {
                    Propose(Deposit(0, 0, _nextTransaction++));
                }
                else if (r < 0.45 && _acknowledged.Count > 0)
                {
                    Propose(Deposit(0, 0, _acknowledged[_random.Next(_acknowledged.Count)]));
                }
                else if (r < 0.55 && _session != 0)
                {
                    Propose(Deposit(_session, ++_sessionSequence, _nextTransaction++));
                }
                else if (r < 0.72)
                {
                    Commit();
                }
                else if (r < 0.80)
                {
                    // A step of one node's wall clock (an NTP step, a misset clock, the fault API's offset), up to years either way.
                    _wallOffset[_random.Next(3)] += _random.NextInt64(-5 * Year, 5 * Year);
                    WallSteps++;
                }
                else if (r < 0.86)
                {
                    ChangeLeader();
                }
                else
                {
                    _now += _random.Next(10) == 0 ? _random.NextInt64(1, Retention / 2) : _random.NextInt64(1, 500);
                }

                _now += _random.Next(1, 20);
            }
        }

        private long Monotonic(int node) => _now + _monotonicOffset[node];

        private long Wall(int node) => _now + _wallOffset[node];

        private void Elect(int node)
        {
            _leader = node;
            _clocks[node].Anchor(_lastStampInLog, Monotonic(node), Wall(node));
        }

        private void ChangeLeader()
        {
            // The new leader holds some prefix of the deposed leader's uncommitted tail; the rest is truncated. Its log's
            // last stamp is what it anchors at.
            var kept = _random.Next(_tail.Count + 1);
            _tail.RemoveRange(kept, _tail.Count - kept);
            _lastStampInLog = _tail.Count > 0 ? _tail[^1].Stamp : _engine.LogTime;
            _now += _random.NextInt64(300, 3_000);
            Elect((_leader + 1 + _random.Next(2)) % 3);
            LeaderChanges++;
        }

        private void Propose(Func<long, byte[]> encode)
        {
            var stamp = legacyWallClockStamps ? Math.Max(_lastStampInLog, Wall(_leader)) : _clocks[_leader].Stamp(Monotonic(_leader));
            var entry = encode(stamp);
            _tail.Add(new Pending(entry, stamp, _now));
            _lastStampInLog = Math.Max(_lastStampInLog, stamp);
        }

        private void Commit()
        {
            var batch = _tail.ToArray();
            _tail.Clear();
            foreach (var p in batch)
            {
                Apply(p.Entry, p.ProposedAt);
            }
        }

        private void Apply(byte[] entry, long proposedAt)
        {
            var command = CommandCodec.TryDecode(entry, out var c, out _) ? c : throw new InvalidOperationException("the simulation encodes only valid commands");
            _engine.Apply(++_index, entry, _result);
            if (command.Type == CommandType.RegisterSession)
            {
                _session = _result.SessionId;
                _sessionSequence = 0;
                _sessionUsedAt = proposedAt;
                return;
            }

            if (command.SessionId != 0)
            {
                if (_result.Code == ResultCode.Rejected && _result.Reason == RejectReason.UnknownSession)
                {
                    if (_now - _sessionUsedAt < SessionTimeout)
                    {
                        Violations.Add($"session {command.SessionId} used {_now - _sessionUsedAt} ms ago (timeout {SessionTimeout}) was forgotten at index {_index}");
                    }

                    if (command.SessionId == _session)
                    {
                        _session = 0;
                        Propose(Register());
                    }

                    return;
                }

                _sessionUsedAt = proposedAt;
            }

            if (_acknowledgedAt.TryGetValue(command.ClientId, out var at))
            {
                if (_now - at < Retention)
                {
                    RetriesChecked++;
                    if (!_result.IsDuplicate)
                    {
                        Violations.Add($"id {command.ClientId} proposed {_now - at} ms ago and acknowledged (retention {Retention}) was applied again at index {_index}");
                    }
                }
            }
            else if (_result.Code == ResultCode.Deposited)
            {
                // Retention runs from the command's stamp, taken when the leader proposed it (before the acknowledgement).
                _acknowledgedAt[command.ClientId] = proposedAt;
                _acknowledged.Add(command.ClientId);
            }
        }

        private static Func<long, byte[]> Register() => time =>
        {
            var entry = new byte[CommandCodec.HeaderSize];
            CommandCodec.EncodeRegisterSession(entry, time);
            return entry;
        };

        private static Func<long, byte[]> Deposit(long session, long sequence, long transaction) => time =>
        {
            var entry = new byte[CommandCodec.HeaderSize + CommandCodec.PayloadSize(CommandType.Deposit)];
            CommandCodec.EncodeDeposit(entry, time, session, sequence, 7, transaction, 0, 1);
            return entry;
        };
    }

    private sealed record Pending(byte[] Entry, long Stamp, long ProposedAt);
}

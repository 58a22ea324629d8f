using Google.Protobuf.WellKnownTypes;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>
/// The transport faults in force on this node. Each fault carries its own expiry and is ignored (and dropped) once past it,
/// so a fault clears itself even if nobody ever calls the node again.
/// </summary>
internal sealed class FaultSet(TimeProvider time)
{
    private readonly Lock _gate = new();
    // Replaced, never mutated, once published: readers may look at its count without the lock.
    private volatile List<(Fault Fault, DateTimeOffset Expires)> _faults = [];

    /// <summary>Raised with a description whenever faults are set, cleared, or expire.</summary>
    public event Action<string>? Changed;

    /// <summary>Validates and installs faults, replacing none of the active ones. Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public IReadOnlyList<Fault> Add(IEnumerable<Fault> faults)
    {
        var now = time.GetUtcNow();
        var added = new List<(Fault, DateTimeOffset)>();
        var i = 0;
        foreach (var f in faults)
        {
            Validate(f, i++);
            var copy = f.Clone();
            var expires = now + f.Duration.ToTimeSpan();
            copy.ExpiresAt = Timestamp.FromDateTimeOffset(expires);
            added.Add((copy, expires));
        }

        lock (_gate)
        {
            _faults = [.. Live(now), .. added];
        }

        Changed?.Invoke($"{added.Count} fault(s) set: {string.Join("; ", added.Select(a => a.Item1.ToString()))}");
        return Active();
    }

    public int Clear()
    {
        int count;
        lock (_gate)
        {
            count = _faults.Count;
            _faults = [];
        }

        Changed?.Invoke($"{count} fault(s) cleared");
        return count;
    }

    public IReadOnlyList<Fault> Active()
    {
        lock (_gate)
        {
            return [.. Prune().Select(f => f.Fault)];
        }
    }

    public int ActiveCount
    {
        get
        {
            lock (_gate)
            {
                return Prune().Count;
            }
        }
    }

    /// <summary>Should a message to (outbound) or from (inbound) this peer be dropped now?</summary>
    public bool Drops(long peer, bool outbound)
    {
        if (_faults.Count == 0)
        {
            // The common case, checked for every message: no lock.
            return false;
        }

        var faults = Snapshot();
        foreach (var (f, _) in faults)
        {
            if (f.Isolate is { } iso && Covers(iso.PeerNodeIds, peer))
            {
                var dir = iso.Direction == FaultDirection.Unspecified ? FaultDirection.Both : iso.Direction;
                if (dir == FaultDirection.Both || (outbound ? dir == FaultDirection.Outbound : dir == FaultDirection.Inbound))
                {
                    return true;
                }
            }

            if (outbound && f.Drop is { } drop && Covers(drop.PeerNodeIds, peer) && Random.Shared.NextDouble() < drop.Fraction)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Delay to add before sending to this peer (zero when none).</summary>
    public TimeSpan DelayFor(long peer)
    {
        var total = TimeSpan.Zero;
        if (_faults.Count == 0)
        {
            return total;
        }

        foreach (var (f, _) in Snapshot())
        {
            if (f.Delay is { } d && Covers(d.PeerNodeIds, peer))
            {
                var jitter = d.Jitter?.ToTimeSpan() ?? TimeSpan.Zero;
                total += (d.Delay?.ToTimeSpan() ?? TimeSpan.Zero) + (jitter * Random.Shared.NextDouble());
            }
        }

        return total;
    }

    /// <summary>Clock offset and tick rate from a clock-skew fault (zero and 1 when none).</summary>
    public (TimeSpan Offset, double TickRate) ClockSkew()
    {
        var offset = TimeSpan.Zero;
        var rate = 1.0;
        if (_faults.Count == 0)
        {
            return (offset, rate);
        }

        foreach (var (f, _) in Snapshot())
        {
            if (f.ClockSkew is { } s)
            {
                offset += s.Skew?.ToTimeSpan() ?? TimeSpan.Zero;
                if (s.TickRate > 0)
                {
                    rate *= s.TickRate;
                }
            }
        }

        return (offset, rate);
    }

    private List<(Fault Fault, DateTimeOffset Expires)> Snapshot()
    {
        lock (_gate)
        {
            return _faults.Count == 0 ? _faults : Prune();
        }
    }

    private List<(Fault Fault, DateTimeOffset Expires)> Prune()
    {
        var now = time.GetUtcNow();
        if (_faults.Count > 0 && _faults.Exists(f => f.Expires <= now))
        {
            var expired = _faults.Count;
            _faults = Live(now);
            expired -= _faults.Count;
            Changed?.Invoke($"{expired} fault(s) expired");
        }

        return _faults;
    }

    private List<(Fault, DateTimeOffset)> Live(DateTimeOffset now) => _faults.FindAll(f => f.Expires > now);

    private static bool Covers(Google.Protobuf.Collections.RepeatedField<ulong> peers, long peer) => peers.Count == 0 || peers.Contains((ulong)peer);

    // Seconds and nanos of a Duration must agree in sign and nanos stay below a second; anything else is not a duration.
    private static bool IsWithinMaxSkew(Duration skew) =>
        skew.Nanos is > -1_000_000_000 and < 1_000_000_000
        && !(skew.Seconds > 0 && skew.Nanos < 0) && !(skew.Seconds < 0 && skew.Nanos > 0)
        && Math.Abs((decimal)skew.Seconds + (skew.Nanos / 1e9m)) <= FaultLimits.MaxClockSkewSeconds;

    private static void Validate(Fault f, int i)
    {
        if (f.Duration is null || f.Duration.ToTimeSpan() <= TimeSpan.Zero)
        {
            throw new ArgumentException($"faults[{i}].duration is required and must be positive");
        }

        if (f.Duration.ToTimeSpan() > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"faults[{i}].duration must be at most 24h");
        }

        switch (f.KindCase)
        {
            case Fault.KindOneofCase.None:
                throw new ArgumentException($"faults[{i}] names no fault kind (isolate, drop, delay or clock_skew)");
            case Fault.KindOneofCase.Drop when f.Drop.Fraction is < 0 or > 1 || double.IsNaN(f.Drop.Fraction):
                throw new ArgumentException($"faults[{i}].drop.fraction must be in [0, 1]");
            case Fault.KindOneofCase.Delay when f.Delay.Delay is null || f.Delay.Delay.ToTimeSpan() < TimeSpan.Zero
                || (f.Delay.Jitter is { } j && j.ToTimeSpan() < TimeSpan.Zero) || f.Delay.Delay.ToTimeSpan() > TimeSpan.FromMinutes(1):
                throw new ArgumentException($"faults[{i}].delay.delay is required, in [0, 1m], and jitter must not be negative");
            case Fault.KindOneofCase.ClockSkew when f.ClockSkew.TickRate < 0 || f.ClockSkew.TickRate > 100 || double.IsNaN(f.ClockSkew.TickRate):
                throw new ArgumentException($"faults[{i}].clock_skew.tick_rate must be in [0, 100] (0 = unchanged)");
            case Fault.KindOneofCase.ClockSkew when f.ClockSkew.Skew is { } skew && !IsWithinMaxSkew(skew):
                throw new ArgumentException(
                    $"faults[{i}].clock_skew.skew must be within ±{FaultLimits.MaxClockSkewSeconds} s (7 days) and a valid duration");
            default:
                break;
        }
    }
}

namespace Raftex.Simulation;

/// <summary>The run's event record: always a running hash of every event, and the text only when asked for.</summary>
public sealed class SimTrace(bool keepText)
{
    private readonly List<string> _lines = [];

    /// <summary>Recent lines kept even without full tracing, so a failure can show what led to it.</summary>
    private readonly Queue<string> _recent = new();

    public ulong Hash { get; private set; } = 0xCBF29CE484222325UL;

    public bool KeepsText => keepText;

    public IReadOnlyList<string> Lines => keepText ? _lines : [.. _recent];

    /// <summary>Folds an event's identifying numbers into the hash.</summary>
    public void Mix(long a, long b, long c, long d)
    {
        var h = SeedStreams.Combine(Hash, a);
        h = SeedStreams.Combine(h, b);
        h = SeedStreams.Combine(h, c);
        Hash = SeedStreams.Combine(h, d);
    }

    /// <summary>Records a line of text (built by the caller only when <see cref="KeepsText"/> or for rare events).</summary>
    public void Line(long timeUs, string text)
    {
        var line = $"{timeUs / 1000.0,10:0.000}ms {text}";
        if (keepText)
        {
            _lines.Add(line);
            return;
        }

        _recent.Enqueue(line);
        if (_recent.Count > 200)
        {
            _recent.Dequeue();
        }
    }
}

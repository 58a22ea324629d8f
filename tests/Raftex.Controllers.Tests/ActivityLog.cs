namespace Raftex.Controllers.Tests;

/// <summary>An ordered record of what each operator replica did, with a check that no two replicas reconciled at once.</summary>
internal sealed class ActivityLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _inFlight = [];

    public List<(string What, string Replica)> Entries { get; } = [];

    public int Overlaps { get; private set; }

    public void Record(string what, string replica)
    {
        lock (_lock)
        {
            Entries.Add((what, replica));
        }
    }

    public IDisposable Reconciling(string replica)
    {
        lock (_lock)
        {
            _inFlight[replica] = _inFlight.GetValueOrDefault(replica) + 1;
            if (_inFlight.Count(kv => kv.Value > 0) > 1)
            {
                Overlaps++;
            }

            Entries.Add(("reconcile", replica));
        }

        return new Exit(this, replica);
    }

    public List<(string What, string Replica)> Snapshot()
    {
        lock (_lock)
        {
            return [.. Entries];
        }
    }

    private sealed class Exit(ActivityLog log, string replica) : IDisposable
    {
        public void Dispose()
        {
            lock (log._lock)
            {
                log._inFlight[replica]--;
            }
        }
    }
}

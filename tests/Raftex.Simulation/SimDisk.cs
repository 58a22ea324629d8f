using Raftex.Raft;

namespace Raftex.Simulation;

/// <summary>
/// A node's simulated disk: a durable image (what survived the last fsync) and a written image (durable plus the
/// volatile tail of writes issued since). A crash throws the volatile tail away; only the durable image survives.
/// </summary>
public sealed class SimDisk
{
    private readonly List<Action<DiskImage>> _pending = [];
    private DiskImage _durable = new();
    private DiskImage _written = new();

    /// <summary>What a restarted node finds: the last durable snapshot, log suffix and hard state.</summary>
    public DiskImage Durable => _durable;

    /// <summary>What the running node has written so far, synced or not.</summary>
    public DiskImage Written => _written;

    /// <summary>Records (snapshot, one entry, hard state) written since the last fsync (lost on crash, or torn).</summary>
    public int PendingWrites => _pending.Count;

    /// <summary>Number of fsyncs performed.</summary>
    public long Syncs { get; private set; }

    /// <summary>
    /// Writes one Ready's worth of state: snapshot first, then entries, then hard state (the WAL's order). Each entry
    /// is a record of its own, so a crash can tear the write between any two of them.
    /// </summary>
    public void Write(Snapshot? snapshot, IReadOnlyList<Entry> entries, HardState? hardState)
    {
        if (snapshot is { IsEmpty: false } snap)
        {
            Queue(image => image.InstallSnapshot(snap));
        }

        for (var i = 0; i < entries.Count; i++)
        {
            Entry[] one = [entries[i]];
            Queue(image => image.Append(one));
        }

        if (hardState is { IsEmpty: false } hs)
        {
            Queue(image => image.HardState = hs);
        }
    }

    /// <summary>Makes everything written so far durable.</summary>
    public void Sync()
    {
        foreach (var write in _pending)
        {
            write(_durable);
        }

        _pending.Clear();
        Syncs++;
    }

    /// <summary>Loses the volatile tail: the written image becomes the durable image again.</summary>
    public void Crash() => Crash(0);

    /// <summary>
    /// Crashes in the middle of writing the volatile tail: its first <paramref name="survivingRecords"/> records reached
    /// the platter (a torn prefix, which WAL recovery keeps), the rest are lost.
    /// </summary>
    public void Crash(int survivingRecords)
    {
        for (var i = 0; i < Math.Min(survivingRecords, _pending.Count); i++)
        {
            _pending[i](_durable);
        }

        _pending.Clear();
        _written = _durable.Clone();
    }

    /// <summary>
    /// Saves a locally taken snapshot and drops the log it covers. Durable at once, as a real node writes, fsyncs and
    /// renames the snapshot file before it drops any log segment; it does not sync the WAL's volatile tail.
    /// </summary>
    public void SaveSnapshot(Snapshot snapshot)
    {
        _durable.SaveLocalSnapshot(snapshot);
        _written.SaveLocalSnapshot(snapshot);
    }

    private void Queue(Action<DiskImage> write)
    {
        write(_written);
        _pending.Add(write);
    }
}

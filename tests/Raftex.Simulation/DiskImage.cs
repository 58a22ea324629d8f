using Raftex.Raft;

namespace Raftex.Simulation;

/// <summary>One image of a node's persistent state: snapshot, the log after it, and the hard state.</summary>
public sealed class DiskImage
{
    private readonly List<Entry> _entries = [];

    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    public HardState HardState { get; set; } = HardState.Empty;

    /// <summary>Log entries after the snapshot, in index order.</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    public long FirstIndex => Snapshot.Metadata.Index + 1;

    public long LastIndex => Snapshot.Metadata.Index + _entries.Count;

    /// <summary>The term at an index, or null if the index is compacted away (before the snapshot) or beyond the log.</summary>
    public long? TermAt(long index)
    {
        if (index == Snapshot.Metadata.Index)
        {
            return Snapshot.Metadata.Term;
        }

        if (index < FirstIndex || index > LastIndex)
        {
            return null;
        }

        return _entries[(int)(index - FirstIndex)].Term;
    }

    /// <summary>The entry at an index, if the log holds it.</summary>
    public Entry? EntryAt(long index) =>
        index < FirstIndex || index > LastIndex ? null : _entries[(int)(index - FirstIndex)];

    /// <summary>Appends entries, truncating any conflicting suffix first, as a WAL append does.</summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var first = entries[0].Index;
        if (first > LastIndex + 1)
        {
            throw new InvalidOperationException($"append at {first} leaves a gap after last index {LastIndex}");
        }

        var skip = 0;
        if (first < FirstIndex)
        {
            // Entries already covered by the snapshot are committed and identical; keep only the part after it.
            skip = (int)Math.Min(entries.Count, FirstIndex - first);
            first = FirstIndex;
        }

        var keep = (int)(first - FirstIndex);
        if (keep < _entries.Count)
        {
            _entries.RemoveRange(keep, _entries.Count - keep);
        }

        for (var i = skip; i < entries.Count; i++)
        {
            _entries.Add(entries[i]);
        }
    }

    /// <summary>A snapshot received from the leader replaces the whole log, as etcd's MemoryStorage does.</summary>
    public void InstallSnapshot(Snapshot snapshot)
    {
        if (snapshot.Metadata.Index <= Snapshot.Metadata.Index)
        {
            return;
        }

        Snapshot = snapshot;
        _entries.Clear();
        if (HardState.Commit < snapshot.Metadata.Index)
        {
            HardState = HardState with { Commit = snapshot.Metadata.Index };
        }
    }

    /// <summary>A locally taken snapshot drops the entries it covers and keeps the log after it.</summary>
    public void SaveLocalSnapshot(Snapshot snapshot)
    {
        if (snapshot.Metadata.Index > Snapshot.Metadata.Index)
        {
            var drop = (int)Math.Clamp(snapshot.Metadata.Index - Snapshot.Metadata.Index, 0, _entries.Count);
            _entries.RemoveRange(0, drop);
            Snapshot = snapshot;
        }
    }

    public DiskImage Clone()
    {
        var copy = new DiskImage { Snapshot = Snapshot, HardState = HardState };
        copy._entries.AddRange(_entries);
        return copy;
    }
}

namespace Raftex.Raft;

/// <summary>
/// Raft's read view of the log, held in memory since the last compaction (etcd's design).
/// The node keeps its WAL beside it and writes both after each Ready. Thread-safe, so an
/// applier thread may compact while the Raft loop reads.
/// </summary>
public sealed class MemoryStorage : IRaftStorage
{
    private readonly Lock _gate = new();

    // _entries[0] is a dummy standing for the snapshot point (its Index and Term), so the
    // term of FirstIndex()-1 stays answerable after compaction.
    private readonly List<Entry> _entries = [new Entry(0, 0, EntryType.Normal, ReadOnlyMemory<byte>.Empty)];
    private HardState _hardState;
    private Snapshot _snapshot = Raftex.Raft.Snapshot.Empty;
    private ConfState _confState = ConfState.Empty;

    /// <summary>Storage for a brand-new group: every initial member starts from the same membership snapshot at index 1, term 1.</summary>
    public static MemoryStorage Bootstrap(IReadOnlyList<long> voters, IReadOnlyList<long>? learners = null)
    {
        ArgumentNullException.ThrowIfNull(voters);
        if (voters.Count == 0)
        {
            throw new ArgumentException("a group needs at least one voter", nameof(voters));
        }

        learners ??= [];
        foreach (var id in voters)
        {
            if (id <= 0)
            {
                throw new ArgumentException($"node ids must be positive, got {id}", nameof(voters));
            }

            if (learners.Contains(id))
            {
                throw new ArgumentException($"node {id} cannot be both voter and learner", nameof(learners));
            }
        }

        var storage = new MemoryStorage();
        var conf = new ConfState([.. voters], [.. learners]);
        storage.ApplySnapshot(new Snapshot(new SnapshotMetadata(1, 1, conf), ReadOnlyMemory<byte>.Empty));
        storage.SetHardState(new HardState(1, 0, 1));
        return storage;
    }

    public (HardState HardState, ConfState ConfState) InitialState()
    {
        lock (_gate)
        {
            return (_hardState, _confState);
        }
    }

    public IReadOnlyList<Entry> Entries(long lo, long hi, long maxBytes)
    {
        lock (_gate)
        {
            var offset = _entries[0].Index;
            if (lo <= offset)
            {
                throw new LogCompactedException(lo, offset + 1);
            }

            var last = offset + _entries.Count - 1;
            if (hi > last + 1)
            {
                throw new LogUnavailableException(hi - 1, last);
            }

            if (lo > hi)
            {
                throw new ArgumentException($"invalid range [{lo}, {hi})");
            }

            var result = new List<Entry>((int)Math.Min(hi - lo, 64));
            long size = 0;
            for (var i = lo; i < hi; i++)
            {
                var e = _entries[(int)(i - offset)];
                size += e.Size;
                if (result.Count > 0 && size > maxBytes)
                {
                    break;
                }

                result.Add(e);
            }

            return result;
        }
    }

    public long Term(long index)
    {
        lock (_gate)
        {
            var offset = _entries[0].Index;
            if (index < offset)
            {
                throw new LogCompactedException(index, offset + 1);
            }

            var last = offset + _entries.Count - 1;
            if (index > last)
            {
                throw new LogUnavailableException(index, last);
            }

            return _entries[(int)(index - offset)].Term;
        }
    }

    public long FirstIndex()
    {
        lock (_gate)
        {
            return _entries[0].Index + 1;
        }
    }

    public long LastIndex()
    {
        lock (_gate)
        {
            return _entries[0].Index + _entries.Count - 1;
        }
    }

    public Snapshot Snapshot()
    {
        lock (_gate)
        {
            return _snapshot;
        }
    }

    /// <summary>Records the hard state persisted alongside the log.</summary>
    public void SetHardState(HardState hs)
    {
        lock (_gate)
        {
            _hardState = hs;
        }
    }

    /// <summary>Records the membership the application has applied, so a restart begins from it.</summary>
    public void SetConfState(ConfState cs)
    {
        ArgumentNullException.ThrowIfNull(cs);
        lock (_gate)
        {
            _confState = cs;
        }
    }

    /// <summary>Appends entries; a suffix that conflicts with them (same index) is replaced.</summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            for (var i = 1; i < entries.Count; i++)
            {
                if (entries[i].Index != entries[i - 1].Index + 1)
                {
                    throw new ArgumentException($"entries are not contiguous: {entries[i - 1].Index} then {entries[i].Index}", nameof(entries));
                }
            }

            var offset = _entries[0].Index;
            var first = entries[0].Index;
            var last = offset + _entries.Count - 1;
            if (first > last + 1)
            {
                throw new ArgumentException($"entries start at {first}, leaving a gap after last index {last}", nameof(entries));
            }

            var skip = 0;
            if (first <= offset)
            {
                // The head is already covered by the snapshot; keep only what lies beyond it.
                skip = (int)(offset + 1 - first);
                if (skip >= entries.Count)
                {
                    return;
                }

                first = offset + 1;
            }

            var keep = (int)(first - offset);
            if (keep < _entries.Count)
            {
                _entries.RemoveRange(keep, _entries.Count - keep);
            }

            for (var i = skip; i < entries.Count; i++)
            {
                _entries.Add(entries[i]);
            }
        }
    }

    /// <summary>Replaces the whole log by a snapshot received from the leader (older snapshots are refused).</summary>
    public void ApplySnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            if (snapshot.Metadata.Index < _snapshot.Metadata.Index)
            {
                throw new ArgumentException(
                    $"snapshot at {snapshot.Metadata.Index} is older than the stored one at {_snapshot.Metadata.Index}", nameof(snapshot));
            }

            _snapshot = snapshot;
            _confState = snapshot.Metadata.ConfState;
            _entries.Clear();
            _entries.Add(new Entry(snapshot.Metadata.Index, snapshot.Metadata.Term, EntryType.Normal, ReadOnlyMemory<byte>.Empty));
        }
    }

    /// <summary>Makes a snapshot of the application state at an applied index (does not compact; call <see cref="Compact"/>).</summary>
    public Snapshot CreateSnapshot(long index, ConfState cs, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(cs);
        lock (_gate)
        {
            if (index <= _snapshot.Metadata.Index)
            {
                throw new ArgumentException($"snapshot index {index} is not after the current snapshot at {_snapshot.Metadata.Index}", nameof(index));
            }

            var offset = _entries[0].Index;
            var last = offset + _entries.Count - 1;
            if (index > last)
            {
                throw new ArgumentException($"snapshot index {index} is beyond the last index {last}", nameof(index));
            }

            if (index > _hardState.Commit)
            {
                throw new ArgumentException($"snapshot index {index} is beyond the commit index {_hardState.Commit}", nameof(index));
            }

            _snapshot = new Snapshot(new SnapshotMetadata(index, _entries[(int)(index - offset)].Term, cs), data);
            _confState = cs;
            return _snapshot;
        }
    }

    /// <summary>Discards entries up to and including index, which must be covered by the latest snapshot.</summary>
    public void Compact(long index)
    {
        lock (_gate)
        {
            var offset = _entries[0].Index;
            if (index <= offset)
            {
                throw new LogCompactedException(index, offset + 1);
            }

            var last = offset + _entries.Count - 1;
            if (index > last)
            {
                throw new ArgumentException($"compact index {index} is beyond the last index {last}", nameof(index));
            }

            if (index > _snapshot.Metadata.Index)
            {
                throw new ArgumentException($"compact index {index} is beyond the snapshot at {_snapshot.Metadata.Index}: entries would be lost", nameof(index));
            }

            var cut = (int)(index - offset);
            var dummy = new Entry(_entries[cut].Index, _entries[cut].Term, EntryType.Normal, ReadOnlyMemory<byte>.Empty);
            _entries.RemoveRange(0, cut);
            _entries[0] = dummy;
        }
    }
}

namespace Raftex.Raft;

/// <summary>
/// The node's log: durable entries in <see cref="IRaftStorage"/> followed by an unstable tail
/// (entries, or a snapshot from the leader) not yet persisted by the application.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftStorage _storage;
    private readonly long _maxSizePerMessage;

    // Unstable tail: _unstable[i] has index _unstableOffset + i. A pending snapshot, when set,
    // precedes it and replaces everything in storage.
    private readonly List<Entry> _unstable = [];
    private long _unstableOffset;

    public RaftLog(IRaftStorage storage, long maxSizePerMessage)
    {
        _storage = storage;
        _maxSizePerMessage = maxSizePerMessage;
        var first = storage.FirstIndex();
        var last = storage.LastIndex();
        _unstableOffset = last + 1;
        Committed = first - 1;
        Applied = first - 1;
    }

    public long Committed { get; private set; }

    /// <summary>Highest index handed to the application to apply.</summary>
    public long Applied { get; private set; }

    public Snapshot? PendingSnapshot { get; private set; }

    public long FirstIndex() => PendingSnapshot is { } s ? s.Metadata.Index + 1 : _storage.FirstIndex();

    public long LastIndex()
    {
        if (_unstable.Count > 0)
        {
            return _unstableOffset + _unstable.Count - 1;
        }

        return PendingSnapshot is { } s ? s.Metadata.Index : _storage.LastIndex();
    }

    /// <summary>Last index already durable (what a leader may count itself as holding).</summary>
    public long StableLastIndex() => PendingSnapshot is not null ? 0 : _unstableOffset - 1;

    public long LastTerm() => Term(LastIndex());

    /// <summary>Term at index, or 0 when it is compacted or beyond the log.</summary>
    public long Term(long index) => TryTerm(index, out var term) ? term : 0;

    public bool TryTerm(long index, out long term)
    {
        term = 0;
        var dummy = FirstIndex() - 1;
        if (index < dummy || index > LastIndex())
        {
            return false;
        }

        if (index >= _unstableOffset && _unstable.Count > 0)
        {
            term = _unstable[(int)(index - _unstableOffset)].Term;
            return true;
        }

        if (PendingSnapshot is { } s)
        {
            if (index == s.Metadata.Index)
            {
                term = s.Metadata.Term;
                return true;
            }

            return false;
        }

        try
        {
            term = _storage.Term(index);
            return true;
        }
        catch (LogCompactedException)
        {
            return false;
        }
        catch (LogUnavailableException)
        {
            return false;
        }
    }

    public bool MatchTerm(long index, long term) => TryTerm(index, out var t) && t == term;

    /// <summary>Raft §5.4.1: a candidate's log is at least as up to date as ours.</summary>
    public bool IsUpToDate(long lastIndex, long lastTerm)
    {
        var ourTerm = LastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= LastIndex());
    }

    /// <summary>
    /// Follower side of AppendEntries: if the entry at prevIndex has prevTerm, appends what is new
    /// (replacing a conflicting uncommitted suffix) and returns the last index now known to match the leader; otherwise -1.
    /// </summary>
    public long MaybeAppend(long prevIndex, long prevTerm, long leaderCommit, IReadOnlyList<Entry> entries)
    {
        if (!MatchTerm(prevIndex, prevTerm))
        {
            return -1;
        }

        var lastNew = prevIndex + entries.Count;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed)
            {
                throw new InvalidOperationException(
                    $"entry {conflict} conflicts with a committed entry (commit {Committed}): the log would lose a committed entry");
            }

            Append(entries, (int)(conflict - (prevIndex + 1)));
        }

        CommitTo(Math.Min(leaderCommit, lastNew));
        return lastNew;
    }

    /// <summary>First index whose entry differs from ours (or is new); 0 when all are already present.</summary>
    private long FindConflict(IReadOnlyList<Entry> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (!MatchTerm(e.Index, e.Term))
            {
                return e.Index;
            }
        }

        return 0;
    }

    /// <summary>
    /// Fast back-tracking: the largest index at or below <paramref name="index"/> whose term is at
    /// most <paramref name="term"/>, with that term (0 when compacted). Lets a whole term be skipped.
    /// </summary>
    public (long Index, long Term) FindConflictByTerm(long index, long term)
    {
        index = Math.Min(index, LastIndex());
        while (index > 0)
        {
            if (!TryTerm(index, out var t))
            {
                return (index, 0);
            }

            if (t <= term)
            {
                return (index, t);
            }

            index--;
        }

        return (0, 0);
    }

    /// <summary>Appends entries[from..] to the unstable tail, truncating any suffix they replace.</summary>
    public long Append(IReadOnlyList<Entry> entries, int from = 0)
    {
        if (from >= entries.Count)
        {
            return LastIndex();
        }

        var first = entries[from].Index;
        if (first - 1 < Committed)
        {
            throw new InvalidOperationException($"append at {first} would truncate committed entries (commit {Committed})");
        }

        if (first > LastIndex() + 1)
        {
            throw new InvalidOperationException($"append at {first} leaves a gap after last index {LastIndex()}");
        }

        if (first >= _unstableOffset + _unstable.Count)
        {
            // Plain extension of the tail.
        }
        else if (first >= _unstableOffset)
        {
            _unstable.RemoveRange((int)(first - _unstableOffset), _unstable.Count - (int)(first - _unstableOffset));
        }
        else
        {
            // The conflict lies in storage: the unstable tail restarts here, and the app is told to
            // truncate by the first Ready entry's index being at or below its last stored index.
            _unstable.Clear();
            _unstableOffset = first;
        }

        for (var i = from; i < entries.Count; i++)
        {
            _unstable.Add(entries[i]);
        }

        return LastIndex();
    }

    public void CommitTo(long index)
    {
        if (index <= Committed)
        {
            // Commit never goes back.
            return;
        }

        if (index > LastIndex())
        {
            throw new InvalidOperationException($"commit {index} is beyond the last index {LastIndex()}: the log is corrupt or truncated");
        }

        Committed = index;
    }

    public void AppliedTo(long index)
    {
        if (index == 0)
        {
            return;
        }

        if (index > Committed || index < Applied)
        {
            throw new InvalidOperationException($"applied {index} is out of range [{Applied}, {Committed}]");
        }

        Applied = index;
    }

    public void SetRestartPoint(long committed, long applied)
    {
        var first = FirstIndex();
        var last = LastIndex();
        if (committed < first - 1 || committed > last)
        {
            throw new InvalidOperationException($"stored commit {committed} is out of the log range [{first - 1}, {last}]");
        }

        Committed = committed;
        applied = Math.Max(applied, first - 1);
        if (applied > committed)
        {
            throw new InvalidOperationException($"applied {applied} is beyond the stored commit {committed}");
        }

        Applied = applied;
    }

    public bool HasUnstable => _unstable.Count > 0;

    public IReadOnlyList<Entry> UnstableEntries() => _unstable.Count == 0 ? [] : [.. _unstable];

    /// <summary>The app has persisted entries up to index at term: drop them from the unstable tail.</summary>
    public void StableTo(long index, long term)
    {
        if (!TryTerm(index, out var t) || t != term || index < _unstableOffset)
        {
            // The tail changed since this Ready was cut (a conflict replaced it): keep it unstable.
            return;
        }

        var count = (int)(index - _unstableOffset + 1);
        if (count > _unstable.Count)
        {
            return;
        }

        _unstable.RemoveRange(0, count);
        _unstableOffset = index + 1;
    }

    public void StableSnapTo(long index)
    {
        if (PendingSnapshot is { } s && s.Metadata.Index == index)
        {
            PendingSnapshot = null;
        }
    }

    /// <summary>Replaces the log with a snapshot from the leader.</summary>
    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Metadata.Index;
        PendingSnapshot = snapshot;
        _unstable.Clear();
        _unstableOffset = snapshot.Metadata.Index + 1;
    }

    public bool HasNextCommittedEntries() => PendingSnapshot is null && Committed > Applied;

    public IReadOnlyList<Entry> NextCommittedEntries() =>
        HasNextCommittedEntries() ? Slice(Applied + 1, Committed + 1, long.MaxValue) : [];

    /// <summary>Entries from lo, up to maxBytes (at least one); null when lo is compacted.</summary>
    public IReadOnlyList<Entry>? EntriesFrom(long lo) =>
        lo > LastIndex() ? [] : lo < FirstIndex() ? null : Slice(lo, LastIndex() + 1, _maxSizePerMessage);

    /// <summary>Entries in [lo, hi), at least one, then up to maxBytes.</summary>
    public IReadOnlyList<Entry> Slice(long lo, long hi, long maxBytes)
    {
        if (lo >= hi)
        {
            return [];
        }

        if (lo < FirstIndex() || hi > LastIndex() + 1)
        {
            // Callers loop until they pass hi: a slice that could come back short or empty would spin them forever.
            throw new InvalidOperationException($"log slice [{lo}, {hi}) is outside the log [{FirstIndex()}, {LastIndex()}]");
        }

        var result = new List<Entry>();
        long size = 0;
        if (lo < _unstableOffset && PendingSnapshot is null)
        {
            var stored = _storage.Entries(lo, Math.Min(hi, _unstableOffset), maxBytes);
            for (var i = 0; i < stored.Count; i++)
            {
                size += stored[i].Size;
                result.Add(stored[i]);
            }

            // Storage stopped early because of the size limit: don't continue from the tail.
            if (stored.Count < Math.Min(hi, _unstableOffset) - lo)
            {
                return result;
            }
        }

        for (var i = Math.Max(lo, _unstableOffset); i < hi; i++)
        {
            var e = _unstable[(int)(i - _unstableOffset)];
            size += e.Size;
            if (result.Count > 0 && size > maxBytes)
            {
                break;
            }

            result.Add(e);
        }

        if (result.Count == 0)
        {
            throw new InvalidOperationException($"log slice [{lo}, {hi}) came back empty (first index {FirstIndex()}, unstable from {_unstableOffset})");
        }

        return result;
    }

    /// <summary>The snapshot to send a lagging follower.</summary>
    public Snapshot Snapshot() => PendingSnapshot ?? _storage.Snapshot();
}

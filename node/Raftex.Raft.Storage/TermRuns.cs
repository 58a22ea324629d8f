namespace Raftex.Raft.Storage;

/// <summary>
/// The terms of the live log as runs of (first index, term), so checking a truncation or a snapshot
/// marker against the log costs no per-entry memory.
/// </summary>
internal sealed class TermRuns
{
    private readonly List<(long Start, long Term)> _runs = [];

    public TermRuns(long baseIndex, long baseTerm)
    {
        BaseIndex = baseIndex;
        BaseTerm = baseTerm;
        LastIndex = baseIndex;
    }

    /// <summary>The index the log starts after (the snapshot index).</summary>
    public long BaseIndex { get; private set; }

    public long BaseTerm { get; private set; }

    public long LastIndex { get; private set; }

    public long LastTerm => _runs.Count > 0 ? _runs[^1].Term : BaseTerm;

    /// <summary>The term of entry <paramref name="index"/>, which must lie in [BaseIndex, LastIndex].</summary>
    public long TermAt(long index)
    {
        if (index == BaseIndex)
        {
            return BaseTerm;
        }

        if (index < BaseIndex || index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"outside the log ({BaseIndex}, {LastIndex}]");
        }

        int lo = 0, hi = _runs.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_runs[mid].Start <= index)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return _runs[lo].Term;
    }

    public void Append(long index, long term)
    {
        if (_runs.Count == 0 || _runs[^1].Term != term)
        {
            _runs.Add((index, term));
        }

        LastIndex = index;
    }

    /// <summary>Voids entries from <paramref name="index"/> on.</summary>
    public void TruncateFrom(long index)
    {
        while (_runs.Count > 0 && _runs[^1].Start >= index)
        {
            _runs.RemoveAt(_runs.Count - 1);
        }

        LastIndex = index - 1;
    }

    /// <summary>Moves the base to a snapshot: keeps the entries after it when the log holds the snapshot's entry, else empties the log.</summary>
    public void ApplySnapshot(long index, long term)
    {
        if (index == BaseIndex)
        {
            // The same snapshot marked again (the caller checked the term): the log is unchanged.
            BaseTerm = term;
            return;
        }

        if (index > BaseIndex && index <= LastIndex && TermAt(index) == term)
        {
            var keep = 0;
            while (keep + 1 < _runs.Count && _runs[keep + 1].Start <= index + 1)
            {
                keep++;
            }

            // Runs wholly at or before the new base are gone; the run holding index+1 (if any) now starts there.
            _runs.RemoveRange(0, keep);
            if (_runs.Count > 0)
            {
                if (LastIndex > index)
                {
                    _runs[0] = (Math.Max(_runs[0].Start, index + 1), _runs[0].Term);
                }
                else
                {
                    _runs.Clear();
                }
            }
        }
        else
        {
            _runs.Clear();
            LastIndex = index;
        }

        BaseIndex = index;
        BaseTerm = term;
    }
}

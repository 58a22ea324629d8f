namespace Raftex.Simulation;

/// <summary>
/// Checks Raft's safety properties against a history of observations fed to it as the simulation runs:
/// election safety, log matching, leader completeness, state machine safety, commit monotonicity and
/// that no acknowledged proposal is lost. It knows nothing of the simulator, so tests can feed it bad histories.
/// </summary>
public sealed class SafetyChecker
{
    private readonly List<Violation> _violations = [];
    private readonly Dictionary<long, long> _leaderOfTerm = [];
    private readonly Dictionary<(long Index, long Term), (ulong DataHash, long PrevTerm)> _logEntries = [];
    private readonly Dictionary<long, AppliedRecord> _applied = [];
    private readonly Dictionary<ulong, long> _indexOfPayload = [];
    private readonly Dictionary<long, long> _commitTermOf = [];
    private readonly Dictionary<(long Node, long Incarnation), long> _commitOf = [];
    private readonly Dictionary<(long Node, long Term), long> _leaderCheckedUpTo = [];
    private readonly List<(ulong DataHash, long Index, long ProposalId)> _acknowledged = [];
    private long _maxCommitObserved;

    /// <summary>Simulated time stamped on violations.</summary>
    public long Now { get; set; }

    public IReadOnlyList<Violation> Violations => _violations;

    /// <summary>Acknowledged proposals so far.</summary>
    public int AcknowledgedCount => _acknowledged.Count;

    /// <summary>Highest index any node applied.</summary>
    public long MaxAppliedIndex { get; private set; }

    /// <summary>Stop recording after this many violations: the first ones explain the rest.</summary>
    public int MaxViolations { get; set; } = 20;

    public bool Failed => _violations.Count > 0;

    /// <summary>Election safety: at most one leader per term, across all time.</summary>
    public void LeaderElected(long node, long term)
    {
        if (_leaderOfTerm.TryGetValue(term, out var existing))
        {
            if (existing != node)
            {
                Report("election-safety", $"two leaders in term {term}: n{existing} and n{node}");
            }

            return;
        }

        _leaderOfTerm[term] = node;
    }

    /// <summary>Number of distinct (term, leader) pairs seen.</summary>
    public int Elections => _leaderOfTerm.Count;

    /// <summary>
    /// Log matching: two entries with the same index and term carry the same data and sit on the same previous term
    /// (which, by induction over indexes, makes the logs identical up to there).
    /// </summary>
    public void EntryWritten(long node, long index, long term, ulong dataHash, long? prevTerm)
    {
        if (_logEntries.TryGetValue((index, term), out var seen))
        {
            if (seen.DataHash != dataHash)
            {
                Report("log-matching", $"n{node} holds a different entry at index {index} term {term}");
            }
            else if (prevTerm is { } p && seen.PrevTerm >= 0 && p != seen.PrevTerm)
            {
                Report("log-matching", $"n{node} entry {index}/{term} follows term {p}, another log has it after term {seen.PrevTerm}");
            }
            else if (seen.PrevTerm < 0 && prevTerm is { } known)
            {
                _logEntries[(index, term)] = (dataHash, known);
            }

            return;
        }

        _logEntries[(index, term)] = (dataHash, prevTerm ?? -1);
    }

    /// <summary>
    /// A node's commit index as seen in one incarnation (process lifetime). It must never go down within one
    /// incarnation. Records, for leader completeness, the term in which each index was first seen committed.
    /// </summary>
    public void CommitObserved(long node, long incarnation, long commit, long term)
    {
        if (_commitOf.TryGetValue((node, incarnation), out var before) && commit < before)
        {
            Report("commit-monotonic", $"n{node} commit went down from {before} to {commit} without a restart");
        }

        _commitOf[(node, incarnation)] = Math.Max(commit, before);
        for (var i = _maxCommitObserved + 1; i <= commit; i++)
        {
            _commitTermOf[i] = term;
        }

        _maxCommitObserved = Math.Max(_maxCommitObserved, commit);
    }

    /// <summary>
    /// A restarted node comes back with the commit index it had made durable: never lower than the commit of the
    /// last hard state it fsynced (applied state above that is rebuilt by re-applying the same entries).
    /// </summary>
    public void Restarted(long node, long incarnation, long restartCommit, long lastSyncedCommit)
    {
        if (restartCommit < lastSyncedCommit)
        {
            Report("commit-monotonic", $"n{node} restarted with commit {restartCommit}, below its fsynced commit {lastSyncedCommit}");
        }

        _commitOf[(node, incarnation)] = restartCommit;
    }

    /// <summary>Registers the state every member starts from (the bootstrap snapshot), which all agree on.</summary>
    public void Bootstrapped(long index, ulong chainHash)
    {
        _applied[index] = new AppliedRecord(0, 0, chainHash);
        MaxAppliedIndex = Math.Max(MaxAppliedIndex, index);
        for (var i = 1; i <= index; i++)
        {
            _commitTermOf[i] = 0;
        }

        _maxCommitObserved = Math.Max(_maxCommitObserved, index);
    }

    /// <summary>
    /// State machine safety: every node applies the same entry at the same index. Returns the node's new chain hash.
    /// A node applies index i only right after i-1, from the chain hash it had there.
    /// </summary>
    public ulong Applied(long node, long index, long term, ulong dataHash, ulong prevChain, bool isProposal)
    {
        var chain = SeedStreams.Combine(SeedStreams.Combine(prevChain, term), (long)dataHash);
        if (_applied.TryGetValue(index, out var seen))
        {
            if (seen.Term != term || seen.DataHash != dataHash)
            {
                Report("state-machine-safety", $"n{node} applied entry {index}/{term} but another node applied {index}/{seen.Term} with different data");
            }
            else if (seen.Chain != chain)
            {
                Report("state-machine-safety", $"n{node} reached index {index} through a different applied sequence");
            }

            return chain;
        }

        _applied[index] = new AppliedRecord(term, dataHash, chain);
        MaxAppliedIndex = Math.Max(MaxAppliedIndex, index);
        if (isProposal)
        {
            if (_indexOfPayload.TryGetValue(dataHash, out var other) && other != index)
            {
                Report("state-machine-safety", $"one proposal applied at two indexes, {other} and {index}");
            }

            _indexOfPayload[dataHash] = index;
        }

        return chain;
    }

    /// <summary>A node jumped to a snapshot: its state there must be the state everyone else had at that index.</summary>
    public void SnapshotInstalled(long node, long index, ulong chainHash)
    {
        if (!_applied.TryGetValue(index, out var seen))
        {
            Report("state-machine-safety", $"n{node} installed a snapshot at {index}, an index nobody applied");
        }
        else if (seen.Chain != chainHash)
        {
            Report("state-machine-safety", $"n{node} installed a snapshot at {index} whose state differs from the applied state there");
        }
    }

    /// <summary>
    /// Leader completeness: a leader of term T holds every entry committed in an earlier term. Called with the
    /// leader's log (whatever it has written); checks incrementally since leaders only ever append.
    /// </summary>
    public void LeaderLogObserved(long node, long term, long snapshotIndex, Func<long, long?> termAt)
    {
        _leaderCheckedUpTo.TryGetValue((node, term), out var from);
        var upTo = from;
        for (var i = from + 1; i <= MaxAppliedIndex; i++)
        {
            if (!_applied.TryGetValue(i, out var committed) || !_commitTermOf.TryGetValue(i, out var commitTerm))
            {
                break;
            }

            upTo = i;
            if (commitTerm >= term || i <= snapshotIndex || committed.Term == 0)
            {
                continue;
            }

            var held = termAt(i);
            if (held != committed.Term)
            {
                Report("leader-completeness", $"leader n{node} of term {term} lacks committed entry {i}/{committed.Term} (has term {held?.ToString() ?? "none"})");
                break;
            }
        }

        _leaderCheckedUpTo[(node, term)] = upTo;
    }

    /// <summary>A proposal was acknowledged to its client: applied on the node it was proposed to.</summary>
    public void Acknowledged(long proposalId, long index, ulong dataHash)
    {
        _acknowledged.Add((dataHash, index, proposalId));
        MaxAcknowledgedIndex = Math.Max(MaxAcknowledgedIndex, index);
    }

    /// <summary>Highest index of any acknowledged proposal so far.</summary>
    public long MaxAcknowledgedIndex { get; private set; }

    /// <summary>
    /// Linearizable reads: a ReadIndex confirmed for a read issued after some proposals were acknowledged must
    /// cover them (serving it once applied reaches the read index then shows every acknowledged write).
    /// </summary>
    public void ReadIndexConfirmed(long node, long readId, long readIndex, long acknowledgedBeforeIssue)
    {
        if (readIndex < acknowledgedBeforeIssue)
        {
            Report("linearizable-read", $"read #{readId} on n{node} got read index {readIndex}, below acknowledged index {acknowledgedBeforeIssue} when it was issued");
        }
    }

    /// <summary>
    /// No acknowledged proposal is ever lost: each must sit at its index in the one applied history, and every
    /// live node given (its applied index and chain hash) must have applied past it along that same history.
    /// </summary>
    public void CheckAcknowledgedKept(IReadOnlyList<(long Node, long AppliedIndex, ulong Chain)> liveNodes)
    {
        foreach (var (node, appliedIndex, chain) in liveNodes)
        {
            if (!_applied.TryGetValue(appliedIndex, out var seen) || seen.Chain != chain)
            {
                Report("state-machine-safety", $"n{node} ended at applied index {appliedIndex} with a state no other node had there");
            }
        }

        foreach (var (dataHash, index, proposalId) in _acknowledged)
        {
            if (!_applied.TryGetValue(index, out var at) || at.DataHash != dataHash)
            {
                Report("lost-acknowledged", $"acknowledged proposal #{proposalId} is no longer the entry at index {index}");
                continue;
            }

            foreach (var (node, appliedIndex, _) in liveNodes)
            {
                if (appliedIndex < index)
                {
                    Report("lost-acknowledged", $"acknowledged proposal #{proposalId} at index {index} never reached n{node} (applied {appliedIndex})");
                }
            }
        }
    }

    /// <summary>Records a violation found outside the checker (liveness, an exception from the core).</summary>
    public void Report(string property, string detail)
    {
        if (_violations.Count < MaxViolations)
        {
            _violations.Add(new Violation(property, detail, Now));
        }
    }

    private readonly record struct AppliedRecord(long Term, ulong DataHash, ulong Chain);
}

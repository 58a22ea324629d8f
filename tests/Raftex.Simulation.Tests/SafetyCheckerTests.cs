namespace Raftex.Simulation.Tests;

/// <summary>The checkers catch what they claim to: each is fed a hand-made bad history and must report it.</summary>
public sealed class SafetyCheckerTests
{
    private static SafetyChecker Bootstrapped()
    {
        var checker = new SafetyChecker();
        checker.Bootstrapped(1, 0);
        return checker;
    }

    private static ulong ApplyAll(SafetyChecker checker, long node, params (long Index, long Term, ulong Data)[] entries)
    {
        ulong chain = 0;
        foreach (var (index, term, data) in entries)
        {
            chain = checker.Applied(node, index, term, data, chain, isProposal: true);
        }

        return chain;
    }

    [Fact]
    public void Two_leaders_in_one_term_are_reported()
    {
        var checker = Bootstrapped();

        checker.LeaderElected(1, 2);
        checker.LeaderElected(1, 2);
        Assert.False(checker.Failed);
        checker.LeaderElected(3, 2);

        var violation = Assert.Single(checker.Violations);
        Assert.Equal("election-safety", violation.Property);
        Assert.Contains("term 2", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaders_of_different_terms_are_fine()
    {
        var checker = Bootstrapped();

        checker.LeaderElected(1, 2);
        checker.LeaderElected(2, 3);
        checker.LeaderElected(1, 4);

        Assert.False(checker.Failed);
        Assert.Equal(3, checker.Elections);
    }

    [Fact]
    public void Divergent_applied_entries_at_one_index_are_reported()
    {
        var checker = Bootstrapped();
        ApplyAll(checker, 1, (2, 1, 0xA), (3, 1, 0xB));

        ApplyAll(checker, 2, (2, 1, 0xA), (3, 1, 0xC));

        var violation = Assert.Single(checker.Violations);
        Assert.Equal("state-machine-safety", violation.Property);
        Assert.Contains("index 3", violation.Detail.Replace("entry 3", "index 3", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Same_entries_applied_everywhere_are_fine()
    {
        var checker = Bootstrapped();
        var a = ApplyAll(checker, 1, (2, 1, 0xA), (3, 2, 0xB));
        var b = ApplyAll(checker, 2, (2, 1, 0xA), (3, 2, 0xB));

        checker.CheckAcknowledgedKept([(1, 3, a), (2, 3, b)]);

        Assert.False(checker.Failed);
        Assert.Equal(a, b);
    }

    [Fact]
    public void A_snapshot_whose_state_differs_from_the_applied_history_is_reported()
    {
        var checker = Bootstrapped();
        var chain = ApplyAll(checker, 1, (2, 1, 0xA), (3, 1, 0xB));

        checker.SnapshotInstalled(2, 3, chain);
        Assert.False(checker.Failed);
        checker.SnapshotInstalled(3, 3, chain ^ 1);

        Assert.Equal("state-machine-safety", Assert.Single(checker.Violations).Property);
    }

    [Fact]
    public void A_lost_acknowledged_proposal_is_reported()
    {
        var checker = Bootstrapped();
        var chain = ApplyAll(checker, 1, (2, 1, 0xA), (3, 1, 0xB));
        checker.Acknowledged(proposalId: 7, index: 3, dataHash: 0xB);
        checker.Acknowledged(proposalId: 8, index: 4, dataHash: 0xD);

        // Proposal 8 was acknowledged at index 4, but no node ever applied anything there.
        checker.CheckAcknowledgedKept([(1, 3, chain)]);

        var violation = Assert.Single(checker.Violations);
        Assert.Equal("lost-acknowledged", violation.Property);
        Assert.Contains("#8", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_acknowledged_proposal_missing_from_a_live_node_is_reported()
    {
        var checker = Bootstrapped();
        var full = ApplyAll(checker, 1, (2, 1, 0xA), (3, 1, 0xB));
        var behind = ApplyAll(checker, 2, (2, 1, 0xA));
        checker.Acknowledged(proposalId: 7, index: 3, dataHash: 0xB);

        checker.CheckAcknowledgedKept([(1, 3, full), (2, 2, behind)]);

        var violation = Assert.Single(checker.Violations);
        Assert.Equal("lost-acknowledged", violation.Property);
        Assert.Contains("n2", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void One_proposal_applied_at_two_indexes_is_reported()
    {
        var checker = Bootstrapped();

        ApplyAll(checker, 1, (2, 1, 0xA), (3, 1, 0xA));

        Assert.Equal("state-machine-safety", Assert.Single(checker.Violations).Property);
    }

    [Fact]
    public void Different_entries_with_the_same_index_and_term_break_log_matching()
    {
        var checker = Bootstrapped();
        checker.EntryWritten(1, 5, 2, 0xA, 2);
        checker.EntryWritten(2, 5, 2, 0xA, 2);
        Assert.False(checker.Failed);

        checker.EntryWritten(3, 5, 2, 0xB, 2);

        Assert.Equal("log-matching", Assert.Single(checker.Violations).Property);
    }

    [Fact]
    public void Same_entry_on_a_different_previous_term_breaks_log_matching()
    {
        var checker = Bootstrapped();
        checker.EntryWritten(1, 5, 3, 0xA, 2);

        checker.EntryWritten(2, 5, 3, 0xA, 1);

        Assert.Equal("log-matching", Assert.Single(checker.Violations).Property);
    }

    [Fact]
    public void A_leader_missing_an_entry_committed_in_an_earlier_term_is_reported()
    {
        var checker = Bootstrapped();
        checker.CommitObserved(1, 1, 3, term: 2);
        ApplyAll(checker, 1, (2, 2, 0xA), (3, 2, 0xB));
        var leaderLog = new Dictionary<long, long> { [1] = 1, [2] = 2, [3] = 3 };

        // Leader of term 4 holds index 3 from term 3, not the committed 3/2.
        checker.LeaderLogObserved(2, 4, 1, i => leaderLog.TryGetValue(i, out var t) ? t : null);

        var violation = Assert.Single(checker.Violations);
        Assert.Equal("leader-completeness", violation.Property);
        Assert.Contains("3/2", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leader_holding_every_committed_entry_is_fine()
    {
        var checker = Bootstrapped();
        checker.CommitObserved(1, 1, 3, term: 2);
        ApplyAll(checker, 1, (2, 2, 0xA), (3, 2, 0xB));
        var leaderLog = new Dictionary<long, long> { [1] = 1, [2] = 2, [3] = 2, [4] = 4 };

        checker.LeaderLogObserved(2, 4, 1, i => leaderLog.TryGetValue(i, out var t) ? t : null);

        Assert.False(checker.Failed);
    }

    [Fact]
    public void Commit_going_down_within_one_incarnation_is_reported()
    {
        var checker = Bootstrapped();
        checker.CommitObserved(1, 1, 10, 2);

        checker.CommitObserved(1, 1, 9, 2);

        Assert.Equal("commit-monotonic", Assert.Single(checker.Violations).Property);
    }

    [Fact]
    public void Restarting_below_the_fsynced_commit_is_reported_but_a_lower_volatile_commit_is_not()
    {
        var checker = Bootstrapped();
        checker.CommitObserved(1, 1, 10, 2);

        // Commit 10 was never fsynced (only 8 was): coming back at 8 is allowed, the rest is re-learned.
        checker.Restarted(1, 2, restartCommit: 8, lastSyncedCommit: 8);
        Assert.False(checker.Failed);
        checker.Restarted(1, 3, restartCommit: 7, lastSyncedCommit: 8);

        Assert.Equal("commit-monotonic", Assert.Single(checker.Violations).Property);
    }

    [Fact]
    public void A_read_index_below_an_earlier_acknowledged_write_is_reported()
    {
        var checker = Bootstrapped();
        ApplyAll(checker, 1, (2, 1, 0xA), (3, 1, 0xB));
        checker.Acknowledged(1, 3, 0xB);

        checker.ReadIndexConfirmed(1, readId: 5, readIndex: 3, acknowledgedBeforeIssue: checker.MaxAcknowledgedIndex);
        Assert.False(checker.Failed);
        checker.ReadIndexConfirmed(2, readId: 6, readIndex: 2, acknowledgedBeforeIssue: 3);

        Assert.Equal("linearizable-read", Assert.Single(checker.Violations).Property);
    }
}

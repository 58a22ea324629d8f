using Raftex.Raft;

namespace Raftex.Simulation;

/// <summary>
/// The checks that need the simulator's view of disks, links and processes, not just the history the
/// <see cref="SafetyChecker"/> sees: durability of what is committed and promised, quiet removed members,
/// a leader that steps down when cut off, and no disruption of a stable leader.
/// </summary>
public sealed partial class SimCluster
{
    /// <summary>
    /// How long the cluster must have been left alone (no fault, crash, restart, transfer, membership change,
    /// stalled disk or election) before a term increase or a lost leadership counts as disruption: two of the
    /// slowest possible election timeouts.
    /// </summary>
    private long CalmWindowUs => (long)(2 * 2 * _options.ElectionTicks * _options.TickUs * (1 + _options.MaxDrift));

    /// <summary>Something happened to the cluster (until a given time) that may legitimately cost a leader its leadership.</summary>
    private void Disturb(long untilUs)
    {
        _disturbedUntilUs = Math.Max(_disturbedUntilUs, untilUs);
        _faultedUntilUs = Math.Max(_faultedUntilUs, untilUs);
    }

    /// <summary>A leader was just elected: the calm window starts again, but nothing was done to the cluster.</summary>
    private void NoteElection() => _disturbedUntilUs = Math.Max(_disturbedUntilUs, _queue.Now);

    private bool Calm => _episode is null && _queue.Now - _disturbedUntilUs >= CalmWindowUs && CurrentLeader() is not null;

    /// <summary>After every step of a node: removed members never lead; a calm cluster sees no term increase or lost leadership.</summary>
    private void ObserveStep(SimNode node)
    {
        if (!node.Up)
        {
            return;
        }

        var raft = node.Raft!;
        var leading = raft.Role == RaftRole.Leader;
        if (leading && node.RemovedSelf)
        {
            _checker.Report("removed-member", $"n{node.Id} leads term {raft.Term} after applying its own removal");
        }

        if (raft.Term > node.SeenTerm && Calm)
        {
            _checker.Report("disruption", $"n{node.Id} moved from term {node.SeenTerm} to {raft.Term} while leader {CurrentLeader()} was stable and reachable ({(_queue.Now - _disturbedUntilUs) / 1000}ms without any fault)");
        }
        else if (node.WasLeading && !leading && Calm)
        {
            _checker.Report("disruption", $"n{node.Id} lost the leadership of term {raft.Term} in a calm cluster ({(_queue.Now - _disturbedUntilUs) / 1000}ms without any fault)");
        }

        node.SeenTerm = raft.Term;
        node.WasLeading = leading;
    }

    /// <summary>
    /// The network's view of every message a node sends: a promise (a vote grant, an append acknowledgement) must be
    /// backed by the sender's durable disk, and a member that applied its own removal sends no appends and grants nothing.
    /// </summary>
    private void CheckOutgoing(SimNode sender, Message m)
    {
        if (m.Type == MessageType.Append && m.Term == sender.LeaderTerm)
        {
            foreach (var e in m.Entries)
            {
                sender.LeaderEntries[e.Index] = e.Term;
            }
        }

        // A Ready taken right after the removal still carries what the node queued before it; the next ones must not.
        var grants = !m.Reject && m.Type is MessageType.VoteResponse or MessageType.PreVoteResponse;
        if (sender.RemovedSelf && sender.ReadiesSinceRemoval >= 2 && (grants || m.Type is MessageType.Append or MessageType.Snapshot or MessageType.Heartbeat))
        {
            _checker.Report("removed-member", $"n{sender.Id} sends {m} after applying its own removal");
        }

        // A node whose durable term is already past the message's has moved on: a grant or acknowledgement of that older
        // term binds nothing any more (a leader of the newer term exists or is being elected, and its quorum decides).
        var durable = sender.Disk.Durable;
        if (durable.HardState.Term > m.Term)
        {
            return;
        }

        if (m.Type == MessageType.VoteResponse && !m.Reject && durable.HardState.Vote != m.To)
        {
            _checker.Report("durable-promise", $"n{sender.Id} grants its vote in term {m.Term} to n{m.To}, but its disk holds term {durable.HardState.Term} vote {durable.HardState.Vote}");
        }
        else if (m.Type == MessageType.AppendResponse && !m.Reject && !Holds(durable, m.Index, sender.Disk.Written.TermAt(m.Index)))
        {
            _checker.Report("durable-promise", $"n{sender.Id} acknowledges index {m.Index} to n{m.To}, but its disk holds only up to {durable.LastIndex} (term there {durable.TermAt(m.Index)?.ToString() ?? "none"})");
        }
    }

    /// <summary>Whether a durable image holds the entry at index with that term (a snapshot at or past it holds it too).</summary>
    private static bool Holds(DiskImage durable, long index, long? term) =>
        index <= durable.Snapshot.Metadata.Index || (durable.TermAt(index) is { } t && (term is null || t == term));

    /// <summary>
    /// Right after a step that can move a leader's commit index: it may only commit an entry of its own term (§5.4.2,
    /// Figure 8), and only once that entry is on the durable disks of a quorum of its voters (the leader included).
    /// </summary>
    private void ObserveLeaderCommit(SimNode node)
    {
        if (!node.Up || node.Raft!.Role != RaftRole.Leader || node.Raft.Term != node.LeaderTerm)
        {
            return;
        }

        var raft = node.Raft;
        var commit = raft.Status.Commit;
        if (commit <= node.LeaderCommitSeen)
        {
            return;
        }

        node.LeaderCommitSeen = commit;
        _checker.CommitObserved(node.Id, node.Incarnation, commit, raft.Term);
        var term = node.Disk.Written.TermAt(commit) ?? (node.LeaderEntries.TryGetValue(commit, out var sent) ? sent : null);
        if (term is not { } entryTerm)
        {
            return;
        }

        if (entryTerm != raft.Term)
        {
            _checker.Report("commit-rule", $"leader n{node.Id} of term {raft.Term} committed up to {commit}, an entry of term {entryTerm} (a leader counts replicas of its own term's entries only)");
        }

        var voters = raft.ConfState.Voters;
        var holders = new List<long>();
        foreach (var id in voters)
        {
            if (_nodes.TryGetValue(id, out var voter) && Holds(voter.Disk.Durable, commit, entryTerm))
            {
                holders.Add(id);
            }
        }

        if (holders.Count < voters.Count / 2 + 1)
        {
            _checker.Report("durable-commit", $"leader n{node.Id} of term {raft.Term} committed {commit}/{entryTerm}, durable only on [{string.Join(',', holders.Select(h => $"n{h}"))}] of voters [{string.Join(',', voters.Select(v => $"n{v}"))}]");
        }
    }

    /// <summary>
    /// Check-quorum: a leader that cannot reach a quorum of its voters over the network steps down within two or three
    /// election timeouts of its own clock (its check runs once per timeout), so that clients stop waiting on it.
    /// </summary>
    private void CheckLeaderReachesQuorum(SimNode node)
    {
        if (!node.Up || node.Raft!.Role != RaftRole.Leader)
        {
            return;
        }

        var voters = node.Raft.ConfState.Voters;
        var reachable = 0;
        foreach (var id in voters)
        {
            if (id == node.Id || (_nodes.TryGetValue(id, out var peer) && peer.Up && !peer.Gone && !_network.IsBlocked(node.Id, id) && !_network.IsBlocked(id, node.Id)))
            {
                reachable++;
            }
        }

        if (reachable >= voters.Count / 2 + 1)
        {
            node.TicksWithoutQuorum = 0;
            return;
        }

        // Counted in the leader's own ticks: its check runs on its clock, however fast or slow that is.
        if (++node.TicksWithoutQuorum > 3 * _options.ElectionTicks)
        {
            _checker.Report("check-quorum", $"n{node.Id} still leads term {node.Raft.Term} {node.TicksWithoutQuorum} of its ticks after it could last reach a quorum of [{string.Join(',', voters.Select(v => $"n{v}"))}] (allowed {3 * _options.ElectionTicks})");
        }
    }
}

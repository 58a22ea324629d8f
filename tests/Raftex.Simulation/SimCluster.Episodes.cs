using Raftex.Raft;

namespace Raftex.Simulation;

/// <summary>
/// Scripted adversarial schedules aimed at Raft's known hard cases. Each is an iterator that acts on the cluster
/// and yields how long to wait before its next step; while one runs, the random faults wait. Everything it draws
/// comes from its fault's own seed, so it replays exactly and the shrinker can keep or drop it as a whole.
/// </summary>
public sealed partial class SimCluster
{
    private const long LeaderWaitUs = 600_000;

    private IEnumerator<long>? _episode;
    private FaultEvent? _episodeFault;
    private long _episodeGeneration;
    private bool _episodePartitioned;
    private bool _episodeFlaky;
    private readonly List<SimNode> _episodeCrashed = [];
    private (SimNode Node, long TickUs)? _episodeSlowed;

    private long ElectionTimeoutUs => _options.ElectionTicks * _options.TickUs;

    private void StartEpisode(FaultEvent fault)
    {
        var pick = new Random(fault.Pick);
        var steps = fault.Kind switch
        {
            FaultKind.Figure8 => Figure8(pick),
            FaultKind.LeaderChangeMidMembership => LeaderChangeMidMembership(fault, pick),
            FaultKind.RemoveLeader => RemoveLeader(),
            FaultKind.RejoinAfterIsolation => RejoinAfterIsolation(fault, pick),
            FaultKind.SnapshotRace => SnapshotRace(fault, pick),
            _ => ReadAcrossLeaderChange(),
        };
        _episode = steps.GetEnumerator();
        _episodeFault = fault;
        Note($"scripted {fault}: starts");
        StepEpisode();
    }

    private void OnEpisodeStep(SimEvent ev)
    {
        if (_episode is not null && ev.Generation == _episodeGeneration)
        {
            StepEpisode();
        }
    }

    private void StepEpisode()
    {
        if (!_episode!.MoveNext())
        {
            EndEpisode("done");
            return;
        }

        _queue.After(Math.Max(1, _episode.Current), new SimEvent(SimEventKind.EpisodeStep, 0, 0) { Generation = ++_episodeGeneration });
    }

    /// <summary>Ends the running schedule and undoes what it left behind: cut links, flaky links, crashed nodes, a slowed clock, paused clients.</summary>
    private void EndEpisode(string why)
    {
        if (_episode is null)
        {
            return;
        }

        _episode.Dispose();
        _episode = null;
        _episodeGeneration++;
        if (_episodePartitioned)
        {
            HealEpisodeLinks();
        }

        if (_episodeFlaky)
        {
            _network.ResetProfiles();
            _flakyGeneration++;
            _episodeFlaky = false;
        }

        if (_episodeSlowed is { } slowed)
        {
            slowed.Node.TickUs = slowed.TickUs;
            _episodeSlowed = null;
        }

        foreach (var node in _episodeCrashed)
        {
            if (!node.Up && !node.Gone)
            {
                Start(node);
            }
        }

        _episodeCrashed.Clear();
        _clientPaused = false;
        Disturb(_queue.Now);
        Note($"scripted #{_episodeFault!.Id} ends: {why}");
    }

    /// <summary>Cuts every link between the given nodes and the rest (replacing any partition in place).</summary>
    private void CutOff(IReadOnlyCollection<SimNode> side)
    {
        _network.HealPartitions();
        _partitionGeneration++;
        _stats.Partitions++;
        _episodePartitioned = true;
        var ids = side.Select(n => n.Id).ToList();
        var rest = _nodes.Keys.Where(id => !ids.Contains(id)).ToList();
        foreach (var (from, to) in PartitionShapes.Split(ids, rest))
        {
            _network.Block(from, to);
        }
    }

    private void HealEpisodeLinks()
    {
        _network.HealPartitions();
        _partitionGeneration++;
        _episodePartitioned = false;
    }

    private void CrashInEpisode(SimNode node)
    {
        Note($"scripted: {node} crashes, {CrashNode(node)}");
        _episodeCrashed.Add(node);
    }

    private void RestartInEpisode(SimNode node)
    {
        _episodeCrashed.Remove(node);
        if (!node.Up && !node.Gone)
        {
            Start(node);
        }
    }

    /// <summary>The leader of the highest term, if it really leads right now.</summary>
    private SimNode? ActiveLeader() => CurrentLeader() is { Raft.Role: RaftRole.Leader } leader ? leader : null;

    private bool StillLeads(SimNode node, long term) => node.Up && node.Raft!.Role == RaftRole.Leader && node.Raft.Term == term;

    private List<SimNode> UpVotersBesides(SimNode leader) =>
        leader.Raft!.ConfState.Voters.Where(v => v != leader.Id && _nodes.TryGetValue(v, out var n) && n.Up && !n.Gone).Select(v => _nodes[v]).ToList();

    /// <summary>
    /// Figure 8 (§5.4.2), three rounds: the leader takes entries that reach only a minority and crashes, sometimes inside
    /// its fsync; a new leader is elected and is sometimes cut off at once with entries of its own term; the old
    /// leader comes back. Entries of older terms then sit on some logs while other leaders' entries sit at the same
    /// indexes — exactly where a leader that counts replicas of an old entry commits what a later leader overwrites.
    /// </summary>
    private IEnumerable<long> Figure8(Random pick)
    {
        for (var round = 0; round < 3; round++)
        {
            SimNode? leader = null;
            for (long waited = 0; (leader = ActiveLeader()) is null && waited < LeaderWaitUs; waited += _options.TickUs)
            {
                yield return _options.TickUs;
            }

            if (leader is null)
            {
                yield break;
            }

            var quorum = leader.Raft!.ConfState.Voters.Count / 2 + 1;
            var side = UpVotersBesides(leader).OrderBy(_ => pick.Next()).Take(Math.Max(0, quorum - 2)).Append(leader).ToList();
            CutOff(side);
            var count = 1 + pick.Next(3);
            for (var i = 0; i < count && leader.Up; i++)
            {
                Propose(leader);
            }

            Pump(leader);
            Note($"figure8 round {round}: {leader} (term {leader.Raft!.Term}) takes {count} entries that reach only [{string.Join(',', side)}]");
            yield return pick.NextInt64(25_000);
            if (leader.Up)
            {
                CrashInEpisode(leader);
            }

            yield return 1_000;
            HealEpisodeLinks();
            SimNode? next = null;
            for (long waited = 0; ((next = ActiveLeader()) is null || next == leader) && waited < LeaderWaitUs; waited += _options.TickUs)
            {
                yield return _options.TickUs;
            }

            if (next is not null && next != leader && pick.NextDouble() < 0.5)
            {
                yield return pick.NextInt64(3_000);
                CutOff([next]);
                Propose(next);
                Pump(next);
                Note($"figure8 round {round}: new leader {next} (term {next.Raft!.Term}) is cut off with entries of its own");
            }

            yield return pick.NextInt64(15_000);
            RestartInEpisode(leader);
            yield return 100_000 + pick.NextInt64(150_000);
            HealEpisodeLinks();
        }
    }

    /// <summary>The leader proposes a membership change and, before it can commit, crashes or is cut off.</summary>
    private IEnumerable<long> LeaderChangeMidMembership(FaultEvent fault, Random pick)
    {
        SimNode? leader = null;
        var proposed = false;
        for (var tries = 0; !proposed && tries < 60; tries++)
        {
            leader = ActiveLeader();
            if (leader is not null)
            {
                var before = leader.Raft!.Status.LastIndex;
                var choice = pick.NextDouble();
                Note("leader change mid membership: " + (choice < 0.4 && _conf.Learners.Count > 0 ? Promote(pick, leader)
                    : choice < 0.7 && _conf.Voters.Count > 3 ? RemoveVoter(pick, leader)
                    : AddLearner(leader)));
                proposed = leader.Up && leader.Raft!.Status.LastIndex > before;
            }

            if (!proposed)
            {
                yield return _options.TickUs;
            }
        }

        if (!proposed || leader is null)
        {
            yield break;
        }

        yield return pick.NextInt64(20_000);
        if (!leader.Up)
        {
            yield break;
        }

        if (fault.Severity < 0.5)
        {
            CrashInEpisode(leader);
        }
        else
        {
            CutOff([leader]);
            Note($"leader change mid membership: {leader} is cut off");
        }

        yield return 150_000 + pick.NextInt64(250_000);
    }

    /// <summary>The current leader is removed; a three-voter cluster first grows to four so that three remain.</summary>
    private IEnumerable<long> RemoveLeader()
    {
        while (_conf.Voters.Count <= 3)
        {
            var joiner = _nextNodeId;
            for (var tries = 0; tries < 60 && !_conf.IsMember(joiner); tries++)
            {
                if (ActiveLeader() is { } leader && _nextNodeId == joiner)
                {
                    Note("remove leader: " + AddLearner(leader));
                }

                yield return _options.TickUs;
            }

            for (var tries = 0; tries < 100 && !_conf.IsVoter(joiner); tries++)
            {
                if (ActiveLeader() is { } leader && _conf.IsLearner(joiner) && _nodes[joiner].AppliedIndex >= leader.AppliedIndex)
                {
                    var result = leader.Raft!.ProposeConfChange(new ConfChange(ConfChangeType.PromoteLearner, joiner));
                    Pump(leader);
                    Note($"remove leader: promoting n{joiner}: {(result.Accepted ? $"at {result.Index}" : result.Reason.ToString())}");
                }

                yield return _options.TickUs;
            }

            if (!_conf.IsVoter(joiner))
            {
                yield break;
            }
        }

        for (var tries = 0; tries < 60; tries++)
        {
            if (ActiveLeader() is { } leader)
            {
                var result = leader.Raft!.ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, leader.Id));
                Pump(leader);
                if (result.Accepted)
                {
                    Note($"remove leader: {leader} proposes its own removal at {result.Index}");
                    yield return 300_000;
                    yield break;
                }
            }

            yield return _options.TickUs;
        }
    }

    /// <summary>
    /// A follower of a stable cluster is cut off for several election timeouts, then rejoins. With pre-vote and
    /// check-quorum it must not have raised its term meanwhile, nor unseat the leader when it comes back. Half the
    /// time clients stay paused, so the rejoining log is as up to date as everyone's and only the voters' lease stops
    /// it; otherwise it falls behind. The verdict holds only if nothing else touched the cluster meanwhile.
    /// </summary>
    private IEnumerable<long> RejoinAfterIsolation(FaultEvent fault, Random pick)
    {
        // Clients pause while the cluster settles (fewer fsyncs, fewer stalled disks to wait out).
        var quiet = (long)(2 * ElectionTimeoutUs * (1 + _options.MaxDrift));
        _clientPaused = true;
        SimNode? leader = null;
        for (long waited = 0; waited < 1_000_000; waited += _options.TickUs)
        {
            leader = ActiveLeader();
            if (leader is not null && _queue.Now - _disturbedUntilUs >= quiet && UpVotersBesides(leader).Count >= 2)
            {
                break;
            }

            leader = null;
            yield return _options.TickUs;
        }

        if (leader is null)
        {
            Note("rejoin: the cluster never settled; nothing checked");
            yield break;
        }

        var term = leader.Raft!.Term;
        var followers = UpVotersBesides(leader);
        var victim = followers[pick.Next(followers.Count)];
        long startedAt;
        _clientPaused = fault.Severity < 0.5;
        startedAt = _queue.Now;
        CutOff([victim]);
        Note($"rejoin: {victim} cut off from leader {leader} of term {term}{(_clientPaused ? ", clients paused" : string.Empty)}");
        yield return (3 + pick.Next(3)) * ElectionTimeoutUs;
        if (!StillLeads(leader, term) || _faultedUntilUs >= startedAt)
        {
            Note("rejoin: something else happened to the cluster meanwhile; nothing checked");
            yield break;
        }

        HealEpisodeLinks();
        Note($"rejoin: {victim} (term {victim.Raft?.Term}) rejoins");
        yield return 3 * ElectionTimeoutUs;
        if (_faultedUntilUs >= startedAt)
        {
            Note("rejoin: something else happened to the cluster meanwhile; nothing checked");
            yield break;
        }

        var raised = _nodes.Values.Where(n => n.Up && n.Raft!.Term > term).Select(n => $"{n}:t{n.Raft!.Term}").ToList();
        if (!StillLeads(leader, term) || raised.Count > 0)
        {
            _checker.Report("disruption", $"{victim} rejoined after {(_queue.Now - startedAt) / 1000}ms cut off and leader {leader} of term {term} {(StillLeads(leader, term) ? "kept leading" : "lost its leadership")}; terms raised: [{string.Join(',', raised)}]");
        }
    }

    /// <summary>
    /// A member falls behind the leader's compaction, then catches up by a chunked snapshot over a duplicating,
    /// reordering link while appends keep coming; half the time it crashes in the middle of the install.
    /// </summary>
    private IEnumerable<long> SnapshotRace(FaultEvent fault, Random pick)
    {
        SimNode? leader = null;
        for (long waited = 0; (leader = ActiveLeader()) is null && waited < LeaderWaitUs; waited += _options.TickUs)
        {
            yield return _options.TickUs;
        }

        if (leader is null)
        {
            yield break;
        }

        var members = _nodes.Values.Where(n => n != leader && n.Up && !n.Gone && _conf.IsMember(n.Id)).ToList();
        if (members.Count == 0)
        {
            yield break;
        }

        var laggard = members[pick.Next(members.Count)];
        CutOff([laggard]);
        Note($"snapshot race: {laggard} cut off until leader {leader} compacts past it");
        for (long waited = 0; waited < 1_500_000 && leader.Up && leader.Storage is { } storage && storage.FirstIndex() <= laggard.Disk.Written.LastIndex + 1; waited += 5_000)
        {
            yield return 5_000;
        }

        HealEpisodeLinks();
        _episodeFlaky = true;
        _flakyGeneration++;
        foreach (var other in _nodes.Keys.Where(id => id != laggard.Id))
        {
            var profile = new LinkProfile(300, 3_000, 0, 0.2, 0.3);
            _network.SetProfile(other, laggard.Id, profile);
            _network.SetProfile(laggard.Id, other, profile);
        }

        Note($"snapshot race: {laggard} rejoins over duplicating, reordering links");
        if (fault.Severity > 0.5)
        {
            yield return 2_000 + pick.NextInt64(40_000);
            if (laggard.Up)
            {
                CrashInEpisode(laggard);
                yield return 20_000;
                RestartInEpisode(laggard);
            }
        }

        yield return 300_000;
    }

    /// <summary>
    /// ReadIndex across a leader change: the leader is cut off and its clock slowed, so it goes on believing it leads
    /// while the others elect a new leader that acknowledges writes; reads then go to the old leader. It must not
    /// answer them from its own commit index.
    /// </summary>
    private IEnumerable<long> ReadAcrossLeaderChange()
    {
        SimNode? old = null;
        for (long waited = 0; (old = ActiveLeader()) is null && waited < LeaderWaitUs; waited += _options.TickUs)
        {
            yield return _options.TickUs;
        }

        if (old is null)
        {
            yield break;
        }

        var term = old.Raft!.Term;
        _episodeSlowed = (old, old.TickUs);
        old.TickUs *= 4;
        CutOff([old]);
        var ackedBefore = _checker.MaxAcknowledgedIndex;
        Note($"read across leader change: {old} of term {term} cut off, its clock 4x slow");
        for (long waited = 0; waited < 1_500_000 && StillLeads(old, term); waited += 5_000)
        {
            if (_checker.MaxAcknowledgedIndex > ackedBefore && _nodes.Values.Any(n => n.Up && n.Raft!.Role == RaftRole.Leader && n.Raft.Term > term))
            {
                break;
            }

            yield return 5_000;
        }

        for (var i = 0; i < 4 && StillLeads(old, term); i++)
        {
            Note($"read across leader change: read on the old leader {old}");
            IssueRead(old);
            yield return 5_000;
        }

        yield return 20_000;
    }
}

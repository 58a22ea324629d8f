using System.Buffers.Binary;
using Raftex.Raft;

namespace Raftex.Simulation;

/// <summary>
/// A whole Raft cluster in one process, driven by one seed: the discrete-event loop, the nodes' Ready/Advance
/// loops, the network, disks and clocks, the fault schedule, client load, and the checks after every step.
/// </summary>
public sealed partial class SimCluster
{
    private const long StopDelayUs = 20_000;

    private readonly SimulationOptions _options;
    private readonly EventQueue<SimEvent> _queue = new();
    private readonly SortedDictionary<long, SimNode> _nodes = [];
    private readonly SimNetwork _network;
    private readonly Random _diskRandom;
    private readonly Random _clientRandom;
    private readonly Random _clockRandom;
    private readonly Random _operationsRandom;
    private readonly SafetyChecker _checker = new();
    private readonly SimTrace _trace;
    private readonly SimulationStats _stats = new();
    private readonly IReadOnlyList<FaultEvent> _faults;
    private readonly Dictionary<long, (long Node, long Incarnation)> _pending = [];
    private readonly Dictionary<long, (long Node, long Incarnation, long MustCover)> _reads = [];
    private readonly long[] _delays = new long[2];
    private long _nextProposal = 1;
    private long _nextNodeId;
    private ConfState _conf;
    private long _confIndex;
    private long _partitionGeneration;
    private long _flakyGeneration;
    private bool _healed;
    private bool _booted;
    private bool _done;
    private long _livenessDeadline;
    // The leadership (node, term) the last fresh proposal went to: a proposal can be lost when that leader is
    // deposed before committing it, even if the same node wins again later, so a new term means a new proposal.
    private (long Node, long Term) _freshLeadership;
    private readonly HashSet<long> _freshProposals = [];
    private bool _freshAcked;
    private bool _converged;
    private long _calmEndUs;
    private long _disturbedUntilUs;
    private long _faultedUntilUs;
    private bool _clientPaused;
    private long _wallChecks;
    private readonly System.Diagnostics.Stopwatch _wall = new();

    public SimCluster(SimulationOptions options)
    {
        _options = options;
        _network = new SimNetwork(SeedStreams.For(options.Seed, SeedStreams.Network)) { Default = options.Network };
        _diskRandom = SeedStreams.For(options.Seed, SeedStreams.Disk);
        _clientRandom = SeedStreams.For(options.Seed, SeedStreams.Clients);
        _clockRandom = SeedStreams.For(options.Seed, SeedStreams.Clocks);
        _operationsRandom = SeedStreams.For(options.Seed, SeedStreams.Operations);
        _trace = new SimTrace(options.Trace);
        _faults = !options.InjectFaults ? [] : options.Script ?? FaultPlan.Generate(options.Seed, options.Mix, options.ChaosUs, options.MeanFaultGapUs);

        var voters = Enumerable.Range(1, options.Nodes).Select(i => (long)i).ToArray();
        _conf = new ConfState(voters, []);
        _nextNodeId = options.Nodes + 1;
        var bootstrap = MemoryStorage.Bootstrap(voters);
        _checker.Bootstrapped(bootstrap.Snapshot().Metadata.Index, 0);
        foreach (var id in voters)
        {
            var node = AddNode(id);
            node.Disk.Write(bootstrap.Snapshot(), [], bootstrap.InitialState().HardState);
            node.Disk.Sync();
        }
    }

    /// <summary>The checker fed by this cluster (exposed for tests).</summary>
    public SafetyChecker Checker => _checker;

    /// <summary>The full fault plan of the seed (including any the options leave out).</summary>
    public IReadOnlyList<FaultEvent> Faults => _faults;

    /// <summary>The nodes, by id.</summary>
    public IReadOnlyDictionary<long, SimNode> Nodes => _nodes;

    public SimulationStats Stats => _stats;

    public long Now => _queue.Now;

    /// <summary>Set from another thread by the wall-clock watchdog: the run stops at its next event.</summary>
    public volatile bool Abandoned;

    /// <summary>Runs the whole scenario (or the rest of it): chaos window, heal, liveness window, final checks.</summary>
    public SimulationResult Run()
    {
        try
        {
            var limit = _options.ChaosUs + (_options.LivenessTicks + _options.CalmTailTicks + 10) * _options.TickUs;
            RunUntil(limit);
            if (!_done && !_checker.Failed)
            {
                _checker.Report("liveness", "the event queue ran dry before the liveness checks finished");
            }

            FinalChecks();
        }
        catch (StepBudgetExceededException ex)
        {
            _checker.Report("watchdog", $"step budget: {ex.Message}, at {FirstFrame(ex)}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException
                                       or LogCompactedException or LogUnavailableException or IndexOutOfRangeException
                                       or NullReferenceException or KeyNotFoundException or ArgumentOutOfRangeException)
        {
            // A throw from the core (or from the harness reacting to the core) is a failure of this seed, not of the run.
            _checker.Report("exception", $"{ex.GetType().Name}: {ex.Message} at {FirstFrame(ex)}");
        }

        _stats.Elections = _checker.Elections;
        _stats.Commits = _checker.MaxAppliedIndex;
        _stats.Acknowledged = _checker.AcknowledgedCount;
        _stats.SimulatedUs = _queue.Now;
        return new SimulationResult(_options, _checker.Violations, _stats, _trace.Hash, _trace.Lines, _faults);
    }

    /// <summary>Processes every event up to a simulated time (booting the cluster first if needed).</summary>
    public void RunUntil(long timeUs)
    {
        Boot();
        _wall.Start();
        while (!_done && !_checker.Failed && _queue.TryTake(timeUs, out var ev))
        {
            _checker.Now = _queue.Now;
            if (++_stats.Events > _options.MaxEvents)
            {
                _checker.Report("watchdog", $"step budget: over {_options.MaxEvents} events by t={_queue.Now / 1000.0:0.###}ms, a message storm (last: {ev.Kind} {ev.Message?.ToString() ?? string.Empty})");
                break;
            }

            if ((++_wallChecks & 1023) == 0 && (Abandoned || _wall.Elapsed > _options.WallBudget))
            {
                _checker.Report("watchdog", $"wall-time budget: still running after {_wall.Elapsed.TotalSeconds:0.#}s at t={_queue.Now / 1000.0:0.###}ms (budget {_options.WallBudget.TotalSeconds:0.#}s)");
                break;
            }

            foreach (var node in _nodes.Values)
            {
                node.Reads?.StartStep();
            }

            if (_options.SabotageStepNeverReturnsAtUs > 0 && _queue.Now >= _options.SabotageStepNeverReturnsAtUs)
            {
                Thread.Sleep(Timeout.Infinite);
            }

            Dispatch(ev);
        }

        _wall.Stop();

        if (!_done && !_checker.Failed)
        {
            _queue.AdvanceTo(timeUs);
        }
    }

    /// <summary>Restarts a crashed node from its durable disk, as the fault schedule does.</summary>
    public void RestartNode(SimNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Up || node.Gone)
        {
            throw new InvalidOperationException($"n{node.Id} is not a crashed member");
        }

        Start(node);
    }

    private void Boot()
    {
        if (_booted)
        {
            return;
        }

        _booted = true;
        foreach (var node in _nodes.Values)
        {
            Start(node);
        }

        foreach (var fault in _faults)
        {
            if (!_options.WithoutFaults.Contains(fault.Id))
            {
                _queue.At(fault.AtUs, new SimEvent(SimEventKind.Fault, 0, 0) { Fault = fault });
            }
        }

        _queue.At(1_000, new SimEvent(SimEventKind.ClientPropose, 0, 0));
        _queue.At(_options.ChaosUs, new SimEvent(SimEventKind.Heal, 0, 0));
    }

    private static string FirstFrame(Exception ex) =>
        ex.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "?";

    private void Dispatch(SimEvent ev)
    {
        switch (ev.Kind)
        {
            case SimEventKind.Tick:
                OnTick(ev);
                break;
            case SimEventKind.Deliver:
                OnDeliver(ev);
                break;
            case SimEventKind.FsyncDone:
                OnFsyncDone(ev);
                break;
            case SimEventKind.Fault:
                OnFault(ev.Fault!);
                break;
            case SimEventKind.FaultEnd:
                OnFaultEnd(ev);
                break;
            case SimEventKind.Restart:
                OnRestart(ev);
                break;
            case SimEventKind.Stop:
                OnStop(ev);
                break;
            case SimEventKind.ClientPropose:
                OnClientPropose();
                break;
            case SimEventKind.Heal:
                OnHeal();
                break;
            case SimEventKind.LivenessCheck:
                OnLivenessCheck();
                break;
            case SimEventKind.EpisodeStep:
                OnEpisodeStep(ev);
                break;
        }
    }

    // ---- nodes: start, tick, deliver, ready loop ----

    private SimNode AddNode(long id)
    {
        var drift = 1 + (_clockRandom.NextDouble() * 2 - 1) * _options.MaxDrift;
        var node = new SimNode(id, new SimDisk(), (long)(_options.TickUs * drift));
        _nodes[id] = node;
        return node;
    }

    /// <summary>Boots or reboots a node from what its disk holds durably, as a real process would.</summary>
    private void Start(SimNode node)
    {
        node.Incarnation++;
        node.Up = true;
        node.Persisting = null;
        var durable = node.Disk.Durable;
        var storage = new MemoryStorage();
        var snapshot = durable.Snapshot;
        if (!snapshot.IsEmpty)
        {
            storage.ApplySnapshot(snapshot);
        }

        storage.Append(durable.Entries);
        var hardState = durable.HardState;

        // A snapshot only ever holds committed state, so it vouches for a commit index at least its own.
        if (hardState.Commit < snapshot.Metadata.Index)
        {
            hardState = hardState with { Commit = snapshot.Metadata.Index };
        }

        if (!hardState.IsEmpty)
        {
            storage.SetHardState(hardState);
        }

        node.Storage = storage;
        node.Reads = new BudgetedStorage(storage, _options.MaxStorageReadsPerStep);
        node.RemovedSelf = false;
        node.WasLeading = false;
        node.LeaderEntries.Clear();
        node.SeenTerm = hardState.Term;
        node.AppliedIndex = snapshot.Metadata.Index;
        node.Chain = DecodeState(snapshot);
        node.ConfState = snapshot.Metadata.ConfState;
        node.LastSnapshotIndex = snapshot.Metadata.Index;
        node.Term = hardState.Term;
        node.Commit = hardState.Commit;
        node.Role = RaftRole.Follower;
        node.Lead = 0;
        node.Raft = new RaftNode(new RaftConfig
        {
            NodeId = node.Id,
            ElectionTicks = _options.ElectionTicks,
            HeartbeatTicks = _options.HeartbeatTicks,
            MaxSizePerMessage = _options.MaxSizePerMessage,
            MaxInflightMessages = _options.MaxInflightMessages,
            SnapshotChunkBytes = _options.SnapshotChunkBytes,
            PreVote = true,
            CheckQuorum = true,
            Applied = snapshot.Metadata.Index,
            Storage = node.Reads,
            Random = SeedStreams.For(_options.Seed, SeedStreams.RaftBase + node.Id * 1000 + node.Incarnation),
        });

        if (node.Incarnation > 1)
        {
            var commit = node.Raft.Status.Commit;
            _checker.Restarted(node.Id, node.Incarnation, commit, node.LastSyncedCommit);
            node.Commit = commit;
            Disturb(_queue.Now);
            Note($"n{node.Id} restarts (incarnation {node.Incarnation}): term {hardState.Term} commit {commit} log {durable.FirstIndex}..{durable.LastIndex}");
        }

        _queue.After(_clockRandom.NextInt64(node.TickUs), new SimEvent(SimEventKind.Tick, node.Id, node.Incarnation));
        Pump(node);
    }

    private void OnTick(SimEvent ev)
    {
        var node = _nodes[ev.Node];
        if (!node.Up || ev.Incarnation != node.Incarnation)
        {
            return;
        }

        _trace.Mix(_queue.Now, 1, node.Id, 0);
        _stats.Ticks++;
        node.Raft!.Tick();
        Pump(node);
        CheckLeaderReachesQuorum(node);
        _queue.After(node.TickUs, ev);
    }

    private void OnDeliver(SimEvent ev)
    {
        var m = ev.Message!;
        if (!_nodes.TryGetValue(m.To, out var node) || !node.Up || _network.IsBlocked(m.From, m.To))
        {
            return;
        }

        _trace.Mix(_queue.Now, 2, m.To, ((long)m.Type << 48) ^ (m.Term << 24) ^ m.Index);
        if (_trace.KeepsText)
        {
            _trace.Line(_queue.Now, $"n{m.To} <- {Describe(m)}");
        }

        node.Raft!.Step(m);
        if (m.Type is MessageType.AppendResponse or MessageType.SnapshotResponse)
        {
            // Before the Ready loop applies anything: a membership change applied there would change the quorum.
            ObserveLeaderCommit(node);
        }

        Pump(node);
    }

    /// <summary>Runs the node's Ready loop until it is waiting on an fsync or has nothing to do.</summary>
    private void Pump(SimNode node)
    {
        // Election safety is checked after every step, not only when a Ready reports it: a node busy with an
        // fsync could win and lose a term between two Readies.
        ObserveStep(node);
        if (node.Up && node.Raft!.Role == RaftRole.Leader && node.LeaderTerm != node.Raft.Term)
        {
            node.LeaderTerm = node.Raft.Term;
            node.LeaderEntries.Clear();
            node.LeaderCommitSeen = node.Raft.Status.Commit;
            node.TicksWithoutQuorum = 0;
            NoteElection();
            _checker.LeaderElected(node.Id, node.LeaderTerm);
            Note($"n{node.Id} becomes leader of term {node.LeaderTerm}");
        }

        while (node.Up && node.Persisting is null && node.Raft!.HasReady())
        {
            var ready = node.Raft.GetReady();
            TakeReady(node, ready);
        }
    }

    private void TakeReady(SimNode node, Ready ready)
    {
        if (node.RemovedSelf)
        {
            node.ReadiesSinceRemoval++;
        }

        if (ready.HardState is { } hs)
        {
            if (hs.Term < node.Term)
            {
                _checker.Report("term-monotonic", $"n{node.Id} term went down from {node.Term} to {hs.Term}");
            }

            node.Term = hs.Term;
            node.Commit = hs.Commit;
            _checker.CommitObserved(node.Id, node.Incarnation, hs.Commit, hs.Term);
        }

        if (ready.SoftState is { } soft)
        {
            node.Role = soft.Role;
            node.Lead = soft.Lead;
        }

        foreach (var read in ready.ReadStates)
        {
            var readId = BinaryPrimitives.ReadInt64LittleEndian(read.RequestContext.Span);
            if (_reads.Remove(readId, out var issued) && issued.Node == node.Id && issued.Incarnation == node.Incarnation)
            {
                _stats.Reads++;
                _checker.ReadIndexConfirmed(node.Id, readId, read.Index, issued.MustCover);
            }
        }

        Send(node, ready.Messages);
        if (_options.SabotageSendBeforeFsync)
        {
            Send(node, ready.MessagesAfterPersist);
        }

        node.Disk.Write(ready.Snapshot, ready.Entries, ready.HardState);
        var written = node.Disk.Written;
        for (var i = 0; i < ready.Entries.Count; i++)
        {
            var e = ready.Entries[i];
            var prevTerm = i > 0 ? ready.Entries[i - 1].Term : written.TermAt(e.Index - 1);
            _checker.EntryWritten(node.Id, e.Index, e.Term, EntryHash(e), prevTerm);
        }

        if (node.Role == RaftRole.Leader)
        {
            _checker.LeaderLogObserved(node.Id, node.Term, written.Snapshot.Metadata.Index, written.TermAt);
        }

        if (ready.MustSync)
        {
            node.Persisting = ready;
            _queue.After(FsyncLatency(), new SimEvent(SimEventKind.FsyncDone, node.Id, node.Incarnation));
        }
        else
        {
            // No fsync: what was written (a commit index at most) stays volatile until a later fsync.
            Complete(node, ready, synced: false);
        }
    }

    private void OnFsyncDone(SimEvent ev)
    {
        var node = _nodes[ev.Node];
        if (!node.Up || ev.Incarnation != node.Incarnation || node.Persisting is not { } ready)
        {
            return;
        }

        _trace.Mix(_queue.Now, 3, node.Id, ready.Entries.Count);
        node.Persisting = null;
        Complete(node, ready, synced: true);
        Pump(node);
    }

    /// <summary>The rest of a Ready once its writes are durable: storage, late messages, apply, snapshot, Advance.</summary>
    private void Complete(SimNode node, Ready ready, bool synced)
    {
        if (synced)
        {
            node.Disk.Sync();
            node.LastSyncedCommit = Math.Max(node.LastSyncedCommit, node.Disk.Durable.HardState.Commit);
        }

        var storage = node.Storage!;
        if (ready.Snapshot is { IsEmpty: false } snapshot)
        {
            storage.ApplySnapshot(snapshot);
            InstallSnapshot(node, snapshot);
        }

        storage.Append(ready.Entries);
        if (ready.HardState is { } hs)
        {
            storage.SetHardState(hs);
        }

        if (!_options.SabotageSendBeforeFsync)
        {
            Send(node, ready.MessagesAfterPersist);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            Apply(node, entry);
        }

        MaybeSnapshot(node);
        node.Raft!.Advance(ready);
        ObserveLeaderCommit(node);
    }

    /// <summary>fsync latency: 2–20 ms, and now and then a stall of 100 ms or more (the long tail of real disks).</summary>
    private long FsyncLatency()
    {
        if (_options.FsyncStallRate > 0 && _diskRandom.NextDouble() < _options.FsyncStallRate)
        {
            var stall = _options.MinFsyncStallUs + _diskRandom.NextInt64(Math.Max(0, _options.MaxFsyncStallUs - _options.MinFsyncStallUs) + 1);

            // A stalled disk holds back a node's heartbeats and answers: elections that follow are not disruption.
            Disturb(_queue.Now + stall);
            return stall;
        }

        return _options.MinFsyncUs + _diskRandom.NextInt64(Math.Max(0, _options.MaxFsyncUs - _options.MinFsyncUs) + 1);
    }

    private void Send(SimNode sender, IReadOnlyList<Message> messages)
    {
        foreach (var m in messages)
        {
            CheckOutgoing(sender, m);
            _stats.Messages++;
            if (m.Type == MessageType.Append && m.Entries.Count > 0)
            {
                _stats.Appends++;
                _stats.AppendedEntries += m.Entries.Count;
            }

            var copies = _network.Route(m.From, m.To, _delays);
            if (copies == 0 && _trace.KeepsText)
            {
                _trace.Line(_queue.Now, $"dropped {Describe(m)}");
            }

            for (var c = 0; c < copies; c++)
            {
                _queue.After(_delays[c], new SimEvent(SimEventKind.Deliver, m.To, 0) { Message = m });
            }
        }
    }

    // ---- the applied state machine: a hash chain, snapshotted as such ----

    private void Apply(SimNode node, Entry entry)
    {
        if (entry.Index != node.AppliedIndex + 1)
        {
            _checker.Report("apply-order", $"n{node.Id} asked to apply {entry.Index} after applying {node.AppliedIndex}");
            return;
        }

        var dataHash = EntryHash(entry);
        var isProposal = entry.Type == EntryType.Normal && entry.Data.Length >= 16;
        node.Chain = _checker.Applied(node.Id, entry.Index, entry.Term, dataHash, node.Chain, isProposal);
        node.AppliedIndex = entry.Index;
        if (entry.Type == EntryType.ConfChange)
        {
            var change = ConfChange.Decode(entry.Data.Span);
            node.ConfState = node.Raft!.ApplyConfChange(change);
            if (change.Type == ConfChangeType.RemoveNode && change.NodeId == node.Id)
            {
                node.RemovedSelf = true;
                node.ReadiesSinceRemoval = 0;
            }

            ObserveLeaderCommit(node);
            if (entry.Index > _confIndex)
            {
                _confIndex = entry.Index;
                _conf = node.ConfState;
                _stats.ConfChanges++;
                Disturb(_queue.Now);
                Note($"conf change {change.Type} n{change.NodeId} committed at {entry.Index}: {_conf}");
                if (change.Type == ConfChangeType.RemoveNode && _nodes.ContainsKey(change.NodeId))
                {
                    // The operator deletes a removed member's pod some time after the change commits; until then the
                    // removed member runs on, and must stay quiet.
                    _queue.After(StopDelayUs + _operationsRandom.NextInt64(_options.MaxStopDelayUs + 1), new SimEvent(SimEventKind.Stop, change.NodeId, 0));
                }
            }
        }
        else if (isProposal)
        {
            var id = BinaryPrimitives.ReadInt64LittleEndian(entry.Data.Span);
            if (_pending.TryGetValue(id, out var proposer) && proposer.Node == node.Id && proposer.Incarnation == node.Incarnation)
            {
                _pending.Remove(id);
                _checker.Acknowledged(id, entry.Index, dataHash);
                if (_freshProposals.Contains(id))
                {
                    _freshAcked = true;
                }
            }
        }
    }

    private void InstallSnapshot(SimNode node, Snapshot snapshot)
    {
        var chain = DecodeState(snapshot);
        _checker.SnapshotInstalled(node.Id, snapshot.Metadata.Index, chain);
        if (snapshot.Metadata.Index < node.AppliedIndex)
        {
            _checker.Report("apply-order", $"n{node.Id} asked to install snapshot {snapshot.Metadata.Index} below its applied index {node.AppliedIndex}");
        }

        node.AppliedIndex = snapshot.Metadata.Index;
        node.Chain = chain;
        node.ConfState = snapshot.Metadata.ConfState;
        node.LastSnapshotIndex = snapshot.Metadata.Index;
        _stats.SnapshotsInstalled++;
        Note($"n{node.Id} installs snapshot {snapshot.Metadata.Index}/{snapshot.Metadata.Term}");
    }

    private void MaybeSnapshot(SimNode node)
    {
        if (node.AppliedIndex - node.LastSnapshotIndex < _options.SnapshotEvery)
        {
            return;
        }

        var storage = node.Storage!;
        var snapshot = storage.CreateSnapshot(node.AppliedIndex, node.ConfState, EncodeState(node.Chain));
        node.Disk.SaveSnapshot(snapshot);
        var compactTo = node.AppliedIndex - _options.KeepBehindSnapshot;
        if (compactTo >= storage.FirstIndex())
        {
            storage.Compact(compactTo);
        }

        node.LastSnapshotIndex = node.AppliedIndex;
        _stats.Snapshots++;
    }

    private const int StateWords = 4;

    /// <summary>
    /// Snapshot data: the chain hash in several words, each mixed with its position, so that a snapshot takes several
    /// chunks to send and a chunk that lands at the wrong offset (duplicated, reordered, lost) shows as corruption.
    /// </summary>
    private static ReadOnlyMemory<byte> EncodeState(ulong chain)
    {
        var bytes = new byte[StateWords * 8];
        for (var i = 0; i < StateWords; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), chain ^ SeedStreams.Mix((ulong)i));
        }

        return bytes;
    }

    private static ulong DecodeState(Snapshot snapshot)
    {
        if (snapshot.Data.Length == 0)
        {
            return 0;
        }

        var span = snapshot.Data.Span;
        if (span.Length != StateWords * 8)
        {
            throw new InvalidOperationException($"snapshot {snapshot.Metadata.Index} data arrived corrupted: {span.Length} bytes, {StateWords * 8} were sent");
        }

        var chain = BinaryPrimitives.ReadUInt64LittleEndian(span) ^ SeedStreams.Mix(0);
        for (var i = 1; i < StateWords; i++)
        {
            if ((BinaryPrimitives.ReadUInt64LittleEndian(span[(i * 8)..]) ^ SeedStreams.Mix((ulong)i)) != chain)
            {
                throw new InvalidOperationException($"snapshot {snapshot.Metadata.Index} data arrived corrupted at byte {i * 8}");
            }
        }

        return chain;
    }

    private static ulong EntryHash(Entry entry) =>
        SeedStreams.Combine(SeedStreams.HashBytes(entry.Data.Span), (long)entry.Type);

    // ---- clients ----

    private byte[] NewPayload(long id)
    {
        var payload = new byte[Math.Max(16, _options.PayloadBytes)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, id);
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), _options.Seed);
        return payload;
    }

    /// <summary>Proposes one unique payload on a node; remembers it as pending if the node took it.</summary>
    private long Propose(SimNode node)
    {
        var id = _nextProposal++;
        var result = node.Raft!.Propose(NewPayload(id));
        if (!result.Accepted)
        {
            return -1;
        }

        _stats.Proposals++;
        _pending[id] = (node.Id, node.Incarnation);
        return id;
    }

    private void OnClientPropose()
    {
        if (_healed)
        {
            return;
        }

        if (_clientPaused)
        {
            _queue.After(_options.ProposalGapUs, new SimEvent(SimEventKind.ClientPropose, 0, 0));
            return;
        }

        // Clients mostly find the leader; sometimes they hit a stale or random node, which must refuse or forward.
        var leader = CurrentLeader();
        var target = leader is not null && (_options.ClientWindow > 0 || _clientRandom.NextDouble() < 0.9) ? leader : RandomLiveNode(_clientRandom.Next());
        if (target is not null)
        {
            if (_options.ClientWindow == 0 && _clientRandom.NextDouble() < 0.2)
            {
                IssueRead(target);
            }

            var burst = _options.ClientWindow > 0 ? _options.ClientWindow - _pending.Count : 1 + _clientRandom.Next(4);
            for (var i = 0; i < burst && target.Up; i++)
            {
                Propose(target);
            }

            Pump(target);
        }

        if (_options.ClientWindow > 0)
        {
            _queue.After(_options.ProposalGapUs, new SimEvent(SimEventKind.ClientPropose, 0, 0));
            return;
        }

        _queue.After(1 + _clientRandom.NextInt64(2 * _options.ProposalGapUs), new SimEvent(SimEventKind.ClientPropose, 0, 0));
    }

    /// <summary>A linearizable read: whatever was acknowledged before it is issued must be visible to it.</summary>
    private void IssueRead(SimNode target)
    {
        var readId = _nextProposal++;
        var context = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(context, readId);
        _reads[readId] = (target.Id, target.Incarnation, _checker.MaxAcknowledgedIndex);
        target.Raft!.ReadIndex(context);
        Pump(target);
    }

    // ---- faults ----

    private void OnFault(FaultEvent fault)
    {
        if (_healed)
        {
            return;
        }

        _trace.Mix(_queue.Now, 4, fault.Id, (long)fault.Kind);
        if (_episode is not null)
        {
            Note($"fault {fault}: skipped, scripted schedule #{_episodeFault!.Id} is running");
            return;
        }

        Disturb(_queue.Now);
        if (FaultPlan.IsScripted(fault.Kind))
        {
            StartEpisode(fault);
            return;
        }

        var pick = new Random(fault.Pick);
        var live = LiveNodes();
        var leader = CurrentLeader();
        var did = fault.Kind switch
        {
            FaultKind.PartitionHalves => PartitionHalves(fault, pick, live),
            FaultKind.IsolateLeader => Isolate(fault, leader ?? Pick(pick, live)),
            FaultKind.MajoritiesRing => MajoritiesRing(fault, pick, live),
            FaultKind.OneWayLink => OneWay(fault, pick, live),
            FaultKind.FlakyLinks => Flaky(fault, pick, live),
            FaultKind.Crash => Crash(fault, CrashVictim(fault, pick, live)),
            FaultKind.ClockDrift => Drift(fault, Pick(pick, live)),
            FaultKind.AddLearner => AddLearner(leader),
            FaultKind.PromoteLearner => Promote(pick, leader),
            FaultKind.RemoveVoter => RemoveVoter(pick, leader),
            FaultKind.TransferLeadership => Transfer(pick, leader),
            _ => null,
        };
        Note($"fault {fault}: {did ?? "nothing to do"}");
    }

    private string? PartitionHalves(FaultEvent fault, Random pick, List<SimNode> live)
    {
        if (live.Count < 2)
        {
            return null;
        }

        var order = live.OrderBy(_ => pick.Next()).ToList();
        var cut = 1 + pick.Next(order.Count - 1);
        var a = order.Take(cut).ToList();
        var b = order.Skip(cut).ToList();
        StartPartition(fault);
        foreach (var (from, to) in PartitionShapes.Split(a.Select(n => n.Id).ToList(), b.Select(n => n.Id).ToList()))
        {
            _network.Block(from, to);
        }

        return $"[{string.Join(',', a)}] | [{string.Join(',', b)}]";
    }

    private string? Isolate(FaultEvent fault, SimNode? victim)
    {
        if (victim is null)
        {
            return null;
        }

        StartPartition(fault);
        foreach (var other in _nodes.Keys)
        {
            if (other != victim.Id)
            {
                _network.Block(victim.Id, other);
                _network.Block(other, victim.Id);
            }
        }

        return $"{victim} isolated";
    }

    /// <summary>Nodes on a ring, each linked to its nearest neighbours: everyone reaches a majority, no two the same one.</summary>
    private string? MajoritiesRing(FaultEvent fault, Random pick, List<SimNode> live)
    {
        var n = live.Count;
        if (n < 4)
        {
            return null;
        }

        var order = live.OrderBy(_ => pick.Next()).ToList();
        var reach = PartitionShapes.RingReach(n);
        StartPartition(fault);
        foreach (var (from, to) in PartitionShapes.MajoritiesRing(order.Select(x => x.Id).ToList()))
        {
            _network.Block(from, to);
        }

        return $"ring [{string.Join(',', order)}] reach {reach}";
    }

    private string? OneWay(FaultEvent fault, Random pick, List<SimNode> live)
    {
        var victim = Pick(pick, live);
        if (victim is null)
        {
            return null;
        }

        var deaf = fault.Severity < 0.5;
        StartPartition(fault);
        foreach (var other in _nodes.Keys)
        {
            if (other != victim.Id)
            {
                if (deaf)
                {
                    _network.Block(other, victim.Id);
                }
                else
                {
                    _network.Block(victim.Id, other);
                }
            }
        }

        return deaf ? $"{victim} hears nobody" : $"nobody hears {victim}";
    }

    private void StartPartition(FaultEvent fault)
    {
        _network.HealPartitions();
        _stats.Partitions++;
        _partitionGeneration++;
        _queue.After(fault.DurationUs, new SimEvent(SimEventKind.FaultEnd, 0, 0) { Fault = fault, Generation = _partitionGeneration });
    }

    private string? Flaky(FaultEvent fault, Random pick, List<SimNode> live)
    {
        var s = fault.Severity;
        var links = 0;
        foreach (var a in live)
        {
            foreach (var b in live)
            {
                if (a != b && pick.NextDouble() < 0.6)
                {
                    links++;
                    _network.SetProfile(a.Id, b.Id, new LinkProfile(
                        200 + (long)(pick.NextDouble() * 5_000 * s),
                        (long)(pick.NextDouble() * 20_000 * s),
                        pick.NextDouble() * 0.3 * s,
                        pick.NextDouble() * 0.2 * s,
                        pick.NextDouble() * 0.3 * s));
                }
            }
        }

        _flakyGeneration++;
        _queue.After(fault.DurationUs, new SimEvent(SimEventKind.FaultEnd, 1, 0) { Fault = fault, Generation = _flakyGeneration });
        return $"{links} flaky links";
    }

    private void OnFaultEnd(SimEvent ev)
    {
        Disturb(_queue.Now);
        if (ev.Node == 0 && ev.Generation == _partitionGeneration)
        {
            _network.HealPartitions();
            Note($"partition of fault #{ev.Fault!.Id} heals");
        }
        else if (ev.Node == 1 && ev.Generation == _flakyGeneration)
        {
            _network.ResetProfiles();
            Note($"flaky links of fault #{ev.Fault!.Id} recover");
        }
    }

    private string? Crash(FaultEvent fault, SimNode? victim)
    {
        if (victim is null)
        {
            return null;
        }

        var crash = CrashNode(victim);
        _queue.After(Math.Min(fault.DurationUs, 400_000), new SimEvent(SimEventKind.Restart, victim.Id, victim.Incarnation));
        return $"{victim} crashes, {crash}";
    }

    /// <summary>Half the crashes hit a node in the middle of an fsync (when there is one), where lost writes hurt most.</summary>
    private static SimNode? CrashVictim(FaultEvent fault, Random pick, List<SimNode> live)
    {
        var syncing = live.Where(n => n.Persisting is not null).ToList();
        return fault.Severity < 0.5 && syncing.Count > 0 ? Pick(pick, syncing) : Pick(pick, live);
    }

    /// <summary>
    /// Kills a node: its process state goes, and its disk keeps what was fsynced plus, by a seeded choice, either
    /// nothing of the write in progress or a torn prefix of it. Returns what happened to the unsynced records.
    /// </summary>
    public string CrashNode(SimNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var pending = node.Disk.PendingWrites;
        var surviving = pending > 0 && _diskRandom.NextDouble() < 0.5 ? _diskRandom.Next(pending + 1) : 0;
        node.Up = false;
        node.Raft = null;
        node.Storage = null;
        node.Reads = null;
        node.Persisting = null;
        node.Role = RaftRole.Follower;
        node.Disk.Crash(surviving);
        _stats.Crashes++;
        Disturb(_queue.Now);
        return surviving > 0 ? $"a torn write keeps {surviving} of {pending} unsynced records" : $"losing {pending} unsynced records";
    }

    private void OnRestart(SimEvent ev)
    {
        var node = _nodes[ev.Node];
        if (node.Gone || node.Up || node.Incarnation != ev.Incarnation)
        {
            return;
        }

        Start(node);
    }

    private string? Drift(FaultEvent fault, SimNode? victim)
    {
        if (victim is null)
        {
            return null;
        }

        var factor = 1 + (fault.Severity * 2 - 1) * _options.MaxDrift;
        victim.TickUs = Math.Max(1, (long)(_options.TickUs * factor));
        return $"{victim} ticks every {victim.TickUs}us";
    }

    // ---- membership and leadership operations ----

    private string? AddLearner(SimNode? leader)
    {
        if (leader is null)
        {
            return null;
        }

        var id = _nextNodeId;
        var result = leader.Raft!.ProposeConfChange(new ConfChange(ConfChangeType.AddLearner, id));
        if (!result.Accepted)
        {
            return $"add learner n{id} refused: {result.Reason}";
        }

        _nextNodeId++;
        var node = AddNode(id);
        Start(node);
        Pump(leader);
        return $"n{leader.Id} proposes adding learner n{id} at {result.Index}";
    }

    private string? Promote(Random pick, SimNode? leader)
    {
        if (leader is null || _conf.Learners.Count == 0)
        {
            return null;
        }

        var learner = _conf.Learners[pick.Next(_conf.Learners.Count)];
        var result = leader.Raft!.ProposeConfChange(new ConfChange(ConfChangeType.PromoteLearner, learner));
        Pump(leader);
        return result.Accepted ? $"n{leader.Id} proposes promoting n{learner} at {result.Index}" : $"promote n{learner} refused: {result.Reason}";
    }

    private string? RemoveVoter(Random pick, SimNode? leader)
    {
        if (leader is null || _conf.Voters.Count <= 3)
        {
            return null;
        }

        var voter = _conf.Voters[pick.Next(_conf.Voters.Count)];
        var result = leader.Raft!.ProposeConfChange(new ConfChange(ConfChangeType.RemoveNode, voter));
        Pump(leader);
        return result.Accepted ? $"n{leader.Id} proposes removing n{voter} at {result.Index}" : $"remove n{voter} refused: {result.Reason}";
    }

    private string? Transfer(Random pick, SimNode? leader)
    {
        if (leader is null)
        {
            return null;
        }

        var others = _conf.Voters.Where(v => v != leader.Id).ToList();
        if (others.Count == 0)
        {
            return null;
        }

        var target = others[pick.Next(others.Count)];
        _stats.Transfers++;
        Disturb(_queue.Now);
        leader.Raft!.TransferLeadership(target);
        Pump(leader);
        return $"n{leader.Id} transfers leadership to n{target}";
    }

    private void OnStop(SimEvent ev)
    {
        var node = _nodes[ev.Node];
        if (node.Gone || _conf.IsMember(node.Id))
        {
            return;
        }

        node.Gone = true;
        Disturb(_queue.Now);
        if (node.Up)
        {
            node.Up = false;
            node.Raft = null;
            node.Storage = null;
            node.Reads = null;
            node.Persisting = null;
        }

        Note($"n{node.Id} stopped for good (removed from the group)");
    }

    // ---- heal and liveness ----

    private void OnHeal()
    {
        _healed = true;
        EndEpisode("the chaos window is over");
        Disturb(_queue.Now);
        _network.HealPartitions();
        _network.ResetProfiles();
        foreach (var node in _nodes.Values)
        {
            if (!node.Up && !node.Gone)
            {
                Start(node);
            }
        }

        Note("heal: partitions and flaky links cleared, crashed nodes restarted");
        _livenessDeadline = _queue.Now + _options.LivenessTicks * _options.TickUs;
        _queue.After(_options.TickUs, new SimEvent(SimEventKind.LivenessCheck, 0, 0));
    }

    /// <summary>After the heal: a leader, then a fresh proposal committed, then every live member at the same applied index.</summary>
    private void OnLivenessCheck()
    {
        if (_converged)
        {
            // The calm tail: nothing to do but let the disruption check watch a healed, quiet cluster.
            if (_queue.Now >= _calmEndUs)
            {
                _done = true;
            }
            else
            {
                _queue.After(_options.TickUs, new SimEvent(SimEventKind.LivenessCheck, 0, 0));
            }

            return;
        }

        var leader = CurrentLeader();
        if (!_freshAcked && leader is not null && (leader.Id, leader.Term) != _freshLeadership)
        {
            var id = Propose(leader);
            Pump(leader);
            if (id > 0)
            {
                _freshProposals.Add(id);
                _freshLeadership = (leader.Id, leader.Term);
                Note($"liveness: fresh proposal #{id} on leader n{leader.Id}");
            }
        }

        if (_freshAcked)
        {
            var members = LiveMembers();
            var target = members.Count == 0 ? 0 : members.Max(n => n.AppliedIndex);
            if (members.Count > 0 && members.All(n => n.AppliedIndex == target && n.Persisting is null))
            {
                _converged = true;
                _calmEndUs = _queue.Now + _options.CalmTailTicks * _options.TickUs;
                Note($"liveness: converged at applied index {target}");
                OnLivenessCheck();
                return;
            }
        }

        if (_queue.Now >= _livenessDeadline)
        {
            var state = string.Join(' ', _nodes.Values.Where(n => !n.Gone).Select(n =>
                $"n{n.Id}:{(n.Up ? n.Role.ToString() : "down")}/t{n.Term}/c{n.Commit}/a{n.AppliedIndex}{(_conf.IsVoter(n.Id) ? "" : _conf.IsLearner(n.Id) ? "(learner)" : "(non-member)")}"));
            if (leader?.Raft is { } raft)
            {
                var lagging = raft.Status.Progress
                    .Where(p => p.Value.Match < raft.Status.LastIndex)
                    .OrderBy(p => p.Key)
                    .Select(p => $"n{p.Key}:{p.Value.State}/match{p.Value.Match}/next{p.Value.Next}");
                state += $"; leader n{leader.Id} last {raft.Status.LastIndex}, lagging progress {string.Join(' ', lagging)}";
            }

            var what = leader is null ? "no leader" : !_freshAcked ? "fresh proposal not committed" : "live members did not converge";
            _checker.Report("liveness", $"{what} within {_options.LivenessTicks} ticks after heal; {state}");
            _done = true;
            return;
        }

        _queue.After(_options.TickUs, new SimEvent(SimEventKind.LivenessCheck, 0, 0));
    }

    private void FinalChecks()
    {
        if (_checker.Failed)
        {
            return;
        }

        var live = _converged
            ? LiveMembers().Select(n => (n.Id, n.AppliedIndex, n.Chain)).ToList()
            : [];
        _checker.CheckAcknowledgedKept(live);
    }

    // ---- helpers ----

    private List<SimNode> LiveNodes() => _nodes.Values.Where(n => n.Up && !n.Gone).ToList();

    private List<SimNode> LiveMembers() => _nodes.Values.Where(n => n.Up && !n.Gone && _conf.IsMember(n.Id)).ToList();

    private SimNode? CurrentLeader()
    {
        SimNode? best = null;
        foreach (var node in _nodes.Values)
        {
            if (node.IsLeader && !node.Gone && (best is null || node.Term > best.Term))
            {
                best = node;
            }
        }

        return best;
    }

    private static SimNode? Pick(Random pick, List<SimNode> from) => from.Count == 0 ? null : from[pick.Next(from.Count)];

    private SimNode? RandomLiveNode(int pick)
    {
        var live = LiveNodes();
        return live.Count == 0 ? null : live[pick % live.Count];
    }

    private static string Describe(Message m) => m.Type is MessageType.Snapshot or MessageType.SnapshotResponse
        ? $"{m} snap{m.SnapshotMetadata?.Index}/{m.SnapshotMetadata?.Term} off{m.SnapshotOffset} len{m.SnapshotChunk.Length}{(m.SnapshotDone ? " done" : string.Empty)}"
        : m.ToString();

    private void Note(string text)
    {
        _trace.Line(_queue.Now, text);
    }
}

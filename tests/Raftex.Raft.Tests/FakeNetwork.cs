using System.Text;

namespace Raftex.Raft.Tests;

/// <summary>
/// An in-test network of RaftNodes over MemoryStorage: handles every Ready like a real node would
/// (persist, send, apply, advance), delivers messages in FIFO order, and can cut links or drop
/// messages. It also checks invariants on the way: one leader per term, commit never decreases,
/// entries applied in order.
/// </summary>
internal sealed class FakeNetwork
{
    private readonly Queue<Message> _queue = new();
    private readonly HashSet<(long From, long To)> _cut = [];
    private readonly HashSet<long> _down = [];
    private readonly Dictionary<long, long> _leaderOfTerm = [];
    private readonly Dictionary<long, long> _lastCommit = [];
    private int _restarts;

    public FakeNetwork(IReadOnlyList<long> voters, NodeOptions? options = null, int seed = 1, IReadOnlyList<long>? learners = null)
    {
        Options = options ?? new NodeOptions();
        Seed = seed;
        learners ??= [];
        foreach (var id in voters.Concat(learners))
        {
            var peer = new Peer(id, MemoryStorage.Bootstrap(voters, learners));
            peer.AppliedIndex = 1;
            peer.Node = new RaftNode(Options.ToConfig(id, peer.Storage, seed * 1000 + (int)id, applied: 1));
            Peers[id] = peer;
        }
    }

    public NodeOptions Options { get; }

    public int Seed { get; }

    public SortedDictionary<long, Peer> Peers { get; } = [];

    public List<string> Violations { get; } = [];

    /// <summary>Every message handed to the network, delivered or not.</summary>
    public List<Message> Sent { get; } = [];

    /// <summary>Returns true to drop a message (in addition to cut links and down nodes).</summary>
    public Func<Message, bool>? DropIf { get; set; }

    public RaftNode this[long id] => Peers[id].Node;

    /// <summary>Adds a brand-new, empty node (it joins through a membership change and a snapshot).</summary>
    public Peer AddEmptyPeer(long id)
    {
        var peer = new Peer(id, new MemoryStorage());
        peer.Node = new RaftNode(Options.ToConfig(id, peer.Storage, Seed * 1000 + (int)id));
        Peers[id] = peer;
        return peer;
    }

    public void Isolate(long id)
    {
        foreach (var other in Peers.Keys)
        {
            if (other != id)
            {
                Cut(id, other);
            }
        }
    }

    public void Cut(long a, long b)
    {
        _cut.Add((a, b));
        _cut.Add((b, a));
    }

    public void CutOneWay(long from, long to) => _cut.Add((from, to));

    public void Heal()
    {
        _cut.Clear();
        DropIf = null;
    }

    public void Crash(long id) => _down.Add(id);

    /// <summary>Restarts a node from its storage; its state machine restarts from the stored snapshot and re-applies.</summary>
    public void Restart(long id)
    {
        _down.Remove(id);
        var peer = Peers[id];
        var snapshot = peer.Storage.Snapshot();
        peer.LoadState(snapshot.Data);
        peer.AppliedIndex = snapshot.Metadata.Index;
        peer.Node = new RaftNode(Options.ToConfig(id, peer.Storage, Seed * 1000 + (int)id + (++_restarts * 100_000), applied: peer.AppliedIndex));
    }

    public bool IsDown(long id) => _down.Contains(id);

    /// <summary>Ticks every live node n times, stabilizing after each round.</summary>
    public void TickAll(int n = 1)
    {
        for (var i = 0; i < n; i++)
        {
            foreach (var (id, peer) in Peers)
            {
                if (!_down.Contains(id))
                {
                    peer.Node.Tick();
                }
            }

            Stabilize();
        }
    }

    public void Tick(long id, int n = 1)
    {
        for (var i = 0; i < n; i++)
        {
            Peers[id].Node.Tick();
            Stabilize();
        }
    }

    /// <summary>Handles Readies and delivers messages until nothing moves.</summary>
    public void Stabilize()
    {
        for (var round = 0; round < 100_000; round++)
        {
            var moved = false;
            foreach (var (id, peer) in Peers)
            {
                if (_down.Contains(id))
                {
                    continue;
                }

                while (peer.Node.HasReady())
                {
                    HandleReady(peer);
                    moved = true;
                }
            }

            if (_queue.Count == 0 && !moved)
            {
                return;
            }

            var batch = _queue.Count;
            for (var i = 0; i < batch; i++)
            {
                Deliver(_queue.Dequeue());
            }
        }

        throw new InvalidOperationException("network did not stabilize");
    }

    /// <summary>Runs an election started by id and returns the network for chaining.</summary>
    public FakeNetwork Elect(long id)
    {
        Peers[id].Node.Campaign();
        Stabilize();
        return this;
    }

    public ProposeResult Propose(long id, string payload)
    {
        var result = Peers[id].Node.Propose(Encoding.UTF8.GetBytes(payload));
        Stabilize();
        return result;
    }

    public long? Leader()
    {
        long? leader = null;
        foreach (var (id, peer) in Peers)
        {
            if (!_down.Contains(id) && peer.Node.Role == RaftRole.Leader && (leader is null || peer.Node.Term > Peers[leader.Value].Node.Term))
            {
                leader = id;
            }
        }

        return leader;
    }

    /// <summary>Snapshots the peer's state machine at its applied index and compacts its log there.</summary>
    public void CompactAt(long id, long index)
    {
        var peer = Peers[id];
        if (index != peer.AppliedIndex)
        {
            throw new InvalidOperationException($"test compacts at {index} but peer {id} applied {peer.AppliedIndex}");
        }

        peer.Storage.CreateSnapshot(index, peer.Node.ConfState, peer.EncodeState());
        peer.Storage.Compact(index);
    }

    private void Deliver(Message m)
    {
        if (_down.Contains(m.To) || _down.Contains(m.From) || _cut.Contains((m.From, m.To)) || !Peers.TryGetValue(m.To, out var peer))
        {
            return;
        }

        if (DropIf?.Invoke(m) == true)
        {
            return;
        }

        peer.Node.Step(m);
    }

    private void HandleReady(Peer peer)
    {
        var ready = peer.Node.GetReady();
        peer.Readies.Add(ready);

        // Persist first: snapshot, entries, hard state.
        if (ready.Snapshot is { } snapshot)
        {
            peer.Storage.ApplySnapshot(snapshot);
            peer.LoadState(snapshot.Data);
            peer.AppliedIndex = snapshot.Metadata.Index;
            peer.InstalledSnapshots.Add(snapshot);
        }

        peer.Storage.Append(ready.Entries);
        if (ready.HardState is { } hs)
        {
            peer.Storage.SetHardState(hs);
        }

        foreach (var m in ready.Messages)
        {
            Send(m);
        }

        foreach (var m in ready.MessagesAfterPersist)
        {
            Send(m);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            if (entry.Index != peer.AppliedIndex + 1)
            {
                Violations.Add($"node {peer.Id} applied {entry.Index} after {peer.AppliedIndex}");
            }

            peer.AppliedIndex = entry.Index;
            if (entry.Type == EntryType.ConfChange)
            {
                var cs = peer.Node.ApplyConfChange(ConfChange.Decode(entry.Data.Span));
                peer.Storage.SetConfState(cs);
            }
            else if (!entry.Data.IsEmpty)
            {
                peer.State.Add(Encoding.UTF8.GetString(entry.Data.Span));
            }
        }

        peer.ReadStates.AddRange(ready.ReadStates);
        peer.Node.Advance(ready);
        CheckInvariants(peer);
    }

    private void Send(Message m)
    {
        Sent.Add(m);
        _queue.Enqueue(m);
    }

    private void CheckInvariants(Peer peer)
    {
        var node = peer.Node;
        if (node.Role == RaftRole.Leader)
        {
            if (_leaderOfTerm.TryGetValue(node.Term, out var other) && other != peer.Id)
            {
                Violations.Add($"two leaders in term {node.Term}: {other} and {peer.Id}");
            }

            _leaderOfTerm[node.Term] = peer.Id;
        }

        var commit = node.Status.Commit;
        if (_lastCommit.TryGetValue(peer.Id, out var last) && commit < last)
        {
            Violations.Add($"node {peer.Id} commit went back from {last} to {commit}");
        }

        _lastCommit[peer.Id] = commit;
    }

    /// <summary>State machine safety: every pair of state machines agrees on their common prefix.</summary>
    public void AssertStateMachinesAgree()
    {
        Assert.Empty(Violations);
        var peers = Peers.Values.ToList();
        for (var i = 0; i < peers.Count; i++)
        {
            for (var j = i + 1; j < peers.Count; j++)
            {
                var a = peers[i].State;
                var b = peers[j].State;
                var n = Math.Min(a.Count, b.Count);
                Assert.True(a.Take(n).SequenceEqual(b.Take(n)), $"state machines {peers[i].Id} and {peers[j].Id} diverge");
            }
        }
    }
}

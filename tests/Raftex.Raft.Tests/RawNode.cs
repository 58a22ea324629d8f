namespace Raftex.Raft.Tests;

/// <summary>One node driven by hand: the test plays every peer by stepping messages into it.</summary>
internal sealed class RawNode
{
    public RawNode(long id, long[] voters, NodeOptions? options = null, int seed = 1, long[]? learners = null)
    {
        Options = options ?? new NodeOptions();
        Storage = MemoryStorage.Bootstrap(voters, learners);
        Node = new RaftNode(Options.ToConfig(id, Storage, seed, applied: 1));
    }

    public RawNode(long id, MemoryStorage storage, NodeOptions? options = null, int seed = 1, long applied = 0)
    {
        Options = options ?? new NodeOptions();
        Storage = storage;
        Node = new RaftNode(Options.ToConfig(id, Storage, seed, applied));
    }

    public NodeOptions Options { get; }

    public MemoryStorage Storage { get; }

    public RaftNode Node { get; }

    public long Id => Node.Id;

    public List<Ready> Readies { get; } = [];

    /// <summary>Handles every pending Ready (persist, apply, advance) and returns the messages it produced.</summary>
    public List<Message> Drain()
    {
        var messages = new List<Message>();
        while (Node.HasReady())
        {
            var ready = Node.GetReady();
            Readies.Add(ready);
            if (ready.Snapshot is { } snapshot)
            {
                Storage.ApplySnapshot(snapshot);
            }

            Storage.Append(ready.Entries);
            if (ready.HardState is { } hs)
            {
                Storage.SetHardState(hs);
            }

            messages.AddRange(ready.Messages);
            messages.AddRange(ready.MessagesAfterPersist);
            foreach (var e in ready.CommittedEntries)
            {
                if (e.Type == EntryType.ConfChange)
                {
                    Storage.SetConfState(Node.ApplyConfChange(ConfChange.Decode(e.Data.Span)));
                }
            }

            Node.Advance(ready);
        }

        return messages;
    }

    public void Step(Message m) => Node.Step(m);

    /// <summary>Makes this node leader of a group by granting it pre-votes and votes from the given peers, then acking its no-op.</summary>
    public void BecomeLeader(long[] grantors, bool commitNoop = true)
    {
        Node.Campaign();
        Drain();
        if (Node.Role == RaftRole.PreCandidate)
        {
            foreach (var g in grantors)
            {
                Step(new Message(MessageType.PreVoteResponse, g, Id, Node.Term + 1));
            }
        }

        Drain();
        if (Node.Role == RaftRole.Candidate)
        {
            foreach (var g in grantors)
            {
                Step(new Message(MessageType.VoteResponse, g, Id, Node.Term));
            }
        }

        Drain();
        Assert.Equal(RaftRole.Leader, Node.Role);
        if (commitNoop)
        {
            foreach (var g in grantors)
            {
                Step(new Message(MessageType.AppendResponse, g, Id, Node.Term) { Index = Node.Status.LastIndex });
            }

            Drain();
            Assert.Equal(Node.Status.LastIndex, Node.Status.Commit);
        }
    }

    /// <summary>Appends entries as a leader of the given term would.</summary>
    public void ReceiveAppend(long from, long term, long prevIndex, long prevTerm, long commit, params Entry[] entries) =>
        Step(new Message(MessageType.Append, from, Id, term) { Index = prevIndex, LogTerm = prevTerm, Commit = commit, Entries = entries });

    public static Entry E(long index, long term, string data = "x") => new(index, term, EntryType.Normal, System.Text.Encoding.UTF8.GetBytes(data));
}

using System.Text;

namespace Raftex.Raft.Tests;

/// <summary>One member of the fake network: a node, its "disk" and a trivial state machine (the list of applied payloads).</summary>
internal sealed class Peer(long id, MemoryStorage storage)
{
    public long Id { get; } = id;

    public MemoryStorage Storage { get; } = storage;

    public RaftNode Node { get; set; } = null!;

    public List<string> State { get; } = [];

    public long AppliedIndex { get; set; }

    public List<ReadState> ReadStates { get; } = [];

    public List<Snapshot> InstalledSnapshots { get; } = [];

    public List<Ready> Readies { get; } = [];

    public byte[] EncodeState() => Encoding.UTF8.GetBytes(string.Join('\n', State));

    public void LoadState(ReadOnlyMemory<byte> data)
    {
        State.Clear();
        if (!data.IsEmpty)
        {
            State.AddRange(Encoding.UTF8.GetString(data.Span).Split('\n'));
        }
    }
}

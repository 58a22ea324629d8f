using System.Collections.Concurrent;

namespace Raftex.Node;

/// <summary>
/// Where peers live: peer-plane addresses (names, resolved again on each connect, from configuration or AddLearner) and
/// the client-plane addresses peers announce, so clients can be sent to the leader.
/// </summary>
internal sealed class PeerDirectory(IReadOnlyDictionary<long, string> configured)
{
    private readonly ConcurrentDictionary<long, string> _peer = new(configured);
    private readonly ConcurrentDictionary<long, string> _client = new();

    public string? PeerAddress(long id) => _peer.GetValueOrDefault(id);

    public void SetPeerAddress(long id, string address) => _peer[id] = address;

    public string? ClientAddress(long id) => _client.GetValueOrDefault(id);

    public void SetClientAddress(long id, string address) => _client[id] = address;
}

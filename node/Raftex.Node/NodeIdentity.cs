namespace Raftex.Node;

/// <summary>Who this node is: the fields every peer message carries, plus the secret peers present.</summary>
internal sealed class NodeIdentity(string clusterId, long nodeId, string incarnation, string clientAddress, string peerAddress, string? peerSecret)
{
    private volatile string _incarnation = incarnation;

    public string ClusterId { get; } = clusterId;

    public long NodeId { get; } = nodeId;

    /// <summary>Changes only when a forced new cluster gives the survivor a new one (<see cref="Reincarnate"/>).</summary>
    public string Incarnation => _incarnation;

    public string ClientAddress { get; } = clientAddress;

    public string PeerAddress { get; } = peerAddress;

    public string? PeerSecret { get; } = peerSecret;

    /// <summary>From now on peer messages carry <paramref name="incarnation"/>: peers that pinned the old one refuse them.</summary>
    public void Reincarnate(string incarnation) => _incarnation = incarnation;
}

namespace Raftex.Node;

/// <summary>Who this node is: the fields every peer message carries, plus the secret peers present.</summary>
internal sealed record NodeIdentity(string ClusterId, long NodeId, string Incarnation, string ClientAddress, string PeerAddress, string? PeerSecret);

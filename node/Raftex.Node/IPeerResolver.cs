using System.Net;

namespace Raftex.Node;

/// <summary>
/// Turns a peer's configured address (<c>host:port</c>, where host is a name or an IP literal) into the endpoints to
/// connect to right now, in order of preference. Called on every (re)connect, so a pod that came back with a new IP is
/// found again; implementations keep no cache of their own beyond what their source dictates.
/// </summary>
internal interface IPeerResolver
{
    /// <summary>The endpoints for <paramref name="address"/>, at least one; throws <see cref="PeerResolutionException"/> with the reason otherwise.</summary>
    Task<IReadOnlyList<IPEndPoint>> ResolveAsync(string address, CancellationToken cancellationToken);
}

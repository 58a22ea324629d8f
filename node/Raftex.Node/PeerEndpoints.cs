using System.Collections.Concurrent;
using System.Net;

namespace Raftex.Node;

/// <summary>
/// The one path from a peer's configured address to the URI a channel connects to, taken on every (re)connect of a peer
/// stream and of the forwarder: resolve now through the configured <see cref="IPeerResolver"/> and connect to the IP it
/// gives, so the name never reaches the HTTP handler's own resolution and nothing caches it. A failure is logged once
/// per peer and distinct reason (a down peer is retried every heartbeat); a name that now points elsewhere is logged.
/// </summary>
internal sealed class PeerEndpoints(IPeerResolver resolver, ILogger logger)
{
    private readonly ConcurrentDictionary<long, string> _lastEndpoint = new();
    private readonly ConcurrentDictionary<long, string> _lastFailure = new();

    public IPeerResolver Resolver => resolver;

    /// <summary>The URI to connect to for <paramref name="peer"/> now; throws <see cref="PeerResolutionException"/> when its address does not resolve.</summary>
    public async Task<Uri> ResolveAsync(long peer, string address, CancellationToken cancellationToken)
    {
        IReadOnlyList<IPEndPoint> endpoints;
        try
        {
            endpoints = await resolver.ResolveAsync(address, cancellationToken).ConfigureAwait(false);
            if (endpoints.Count == 0)
            {
                throw new PeerResolutionException($"peer address '{address}' resolved to no endpoint");
            }
        }
        catch (PeerResolutionException ex)
        {
            if (!_lastFailure.TryGetValue(peer, out var previous) || previous != ex.Message)
            {
                _lastFailure[peer] = ex.Message;
                logger.LogWarning("Cannot resolve node {Peer} at {Address}, retrying on reconnect: {Reason}", peer, address, ex.Message);
            }

            throw;
        }

        _lastFailure.TryRemove(peer, out _);
        // Preference order is the resolver's (IPv4 first); the next reconnect resolves afresh anyway.
        var endpoint = endpoints[0].ToString();
        var changed = !_lastEndpoint.TryGetValue(peer, out var last) || last != endpoint;
        if (changed)
        {
            _lastEndpoint[peer] = endpoint;
            if (last is not null)
            {
                logger.LogInformation("Node {Peer} ({Address}) now resolves to {Endpoint} (was {Previous})", peer, address, endpoint, last);
            }
            else if (endpoint != address)
            {
                logger.LogInformation("Node {Peer} ({Address}) resolves to {Endpoint}", peer, address, endpoint);
            }
        }

        return new Uri("http://" + endpoint);
    }
}

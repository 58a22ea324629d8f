using System.Net;
using System.Net.Sockets;

namespace Raftex.Node;

/// <summary>
/// The default resolver: IP literals pass through; names are looked up in DNS on every call (no cache here, so a
/// restarted pod's new IP is seen at the next reconnect), IPv4 addresses first, then IPv6.
/// </summary>
internal sealed class DnsPeerResolver : IPeerResolver
{
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _lookup;

    public DnsPeerResolver()
        : this(Dns.GetHostAddressesAsync)
    {
    }

    /// <summary>With a substitute lookup (tests drive failures and address mixes through it).</summary>
    public DnsPeerResolver(Func<string, CancellationToken, Task<IPAddress[]>> lookup)
    {
        _lookup = lookup;
    }

    public async Task<IReadOnlyList<IPEndPoint>> ResolveAsync(string address, CancellationToken cancellationToken)
    {
        var target = HostPort.Parse(address);
        if (target.Literal is { } ip)
        {
            return [new IPEndPoint(ip, target.Port)];
        }

        IPAddress[] found;
        try
        {
            found = await _lookup(target.Host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            // The message names the name and the resolver's reason, without anything that varies per attempt.
            throw new PeerResolutionException($"cannot resolve peer name '{target.Host}' through DNS: {ex.SocketErrorCode} ({ex.Message})", ex);
        }

        var endpoints = Preferred(found, target.Port);
        return endpoints.Count > 0
            ? endpoints
            : throw new PeerResolutionException($"peer name '{target.Host}' resolved to no IPv4 or IPv6 address through DNS");
    }

    /// <summary>IPv4 addresses first, then IPv6, each in the order given; other families are skipped.</summary>
    internal static List<IPEndPoint> Preferred(IEnumerable<IPAddress> addresses, int port)
    {
        var v4 = new List<IPEndPoint>();
        var v6 = new List<IPEndPoint>();
        foreach (var a in addresses)
        {
            if (a.AddressFamily == AddressFamily.InterNetwork)
            {
                v4.Add(new IPEndPoint(a, port));
            }
            else if (a.AddressFamily == AddressFamily.InterNetworkV6)
            {
                v6.Add(new IPEndPoint(a, port));
            }
        }

        v4.AddRange(v6);
        return v4;
    }
}

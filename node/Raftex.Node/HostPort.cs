using System.Globalization;
using System.Net;

namespace Raftex.Node;

/// <summary>A peer address split into host (a name or an IP literal, IPv6 in brackets) and port.</summary>
internal readonly record struct HostPort(string Host, int Port)
{
    /// <summary>Splits <c>host:port</c> or <c>[v6]:port</c>; throws <see cref="PeerResolutionException"/> naming the bad address.</summary>
    public static HostPort Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
        {
            throw new PeerResolutionException($"peer address '{address}' is not host:port with a port in 1-65535");
        }

        var host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0 || host.Contains(':', StringComparison.Ordinal) && ParseLiteral(host) is null)
        {
            throw new PeerResolutionException($"peer address '{address}' has no valid host");
        }

        return new HostPort(host, port);
    }

    /// <summary>The host as an IP literal, or null when it is a name.</summary>
    public IPAddress? Literal => ParseLiteral(Host);

    /// <summary>
    /// A dotted-quad IPv4 or an IPv6 literal; null otherwise. Stricter than <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>,
    /// which also takes legacy forms like "10.1" or "7" that are far more likely to be meant as names.
    /// </summary>
    public static IPAddress? ParseLiteral(string text)
    {
        if (!IPAddress.TryParse(text, out var ip))
        {
            return null;
        }

        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3 ? ip : null;
    }
}

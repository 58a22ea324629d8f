namespace Raftex.Node;

/// <summary>Chooses the peer resolver from configuration: DNS by default, a hosts file in front of DNS when one is given.</summary>
internal static class PeerResolvers
{
    /// <summary>
    /// The configured resolver. A hosts file is read once here so a missing or garbled file stops the node at start with
    /// the file and line named, rather than surfacing later as peers that never connect.
    /// </summary>
    public static async Task<IPeerResolver> CreateAsync(string? hostsFile, CancellationToken cancellationToken = default)
    {
        var dns = new DnsPeerResolver();
        if (hostsFile is null)
        {
            return dns;
        }

        var resolver = new HostsFilePeerResolver(Path.GetFullPath(hostsFile), dns);
        await resolver.LoadAsync(cancellationToken).ConfigureAwait(false);
        return resolver;
    }
}

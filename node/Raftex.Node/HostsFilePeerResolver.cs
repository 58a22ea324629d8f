using System.Net;
using System.Text.RegularExpressions;

namespace Raftex.Node;

/// <summary>
/// Resolves peer names from a hosts-style file (<c>--peer-hosts-file</c>), falling back to another resolver (DNS) for
/// names the file does not list. Each line maps one IP to one or more names, in either order (<c>name ip</c> or, as in
/// /etc/hosts, <c>ip name [alias...]</c>); <c>#</c> starts a comment. The file is read again on every call, so an edit
/// is seen at the next reconnect: it is small and calls come once per reconnect, not per message.
/// </summary>
internal sealed partial class HostsFilePeerResolver(string path, IPeerResolver fallback) : IPeerResolver
{
    public string Path { get; } = path;

    public async Task<IReadOnlyList<IPEndPoint>> ResolveAsync(string address, CancellationToken cancellationToken)
    {
        var target = HostPort.Parse(address);
        if (target.Literal is { } ip)
        {
            return [new IPEndPoint(ip, target.Port)];
        }

        var table = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return table.TryGetValue(Normalize(target.Host), out var addresses)
            ? DnsPeerResolver.Preferred(addresses, target.Port)
            : await fallback.ResolveAsync(address, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the whole file: name → addresses in file order. Throws <see cref="PeerResolutionException"/> naming the file and line.</summary>
    public async Task<IReadOnlyDictionary<string, List<IPAddress>>> LoadAsync(CancellationToken cancellationToken)
    {
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(Path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PeerResolutionException($"peer hosts file '{Path}' does not exist", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PeerResolutionException($"cannot read peer hosts file '{Path}': {ex.Message}", ex);
        }

        return Parse(lines);
    }

    private Dictionary<string, List<IPAddress>> Parse(string[] lines)
    {
        var table = new Dictionary<string, List<IPAddress>>(StringComparer.Ordinal);
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var content = (hash >= 0 ? line[..hash] : line).Trim();
            if (content.Length == 0)
            {
                continue;
            }

            var tokens = content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length < 2)
            {
                throw Garbled(n, line, "expected 'name ip' (or 'ip name...')");
            }

            IPAddress? ip = null;
            var names = new List<string>();
            foreach (var token in tokens)
            {
                if (HostPort.ParseLiteral(token) is { } literal)
                {
                    if (ip is not null)
                    {
                        throw Garbled(n, line, "more than one IP address on one line");
                    }

                    ip = literal;
                }
                else if (HostName().IsMatch(token))
                {
                    names.Add(Normalize(token));
                }
                else
                {
                    throw Garbled(n, line, $"'{token}' is neither an IP address nor a host name");
                }
            }

            if (ip is null)
            {
                throw Garbled(n, line, "no IP address (IPv4 as a.b.c.d, or IPv6)");
            }

            foreach (var name in names)
            {
                if (!table.TryGetValue(name, out var list))
                {
                    table[name] = list = [];
                }

                if (!list.Contains(ip))
                {
                    list.Add(ip);
                }
            }
        }

        return table;
    }

    private PeerResolutionException Garbled(int index, string line, string reason) =>
        new($"peer hosts file '{Path}' line {index + 1}: {reason}, got '{line.Trim()}'");

    // DNS is case-insensitive and a trailing dot only marks a fully qualified name.
    private static string Normalize(string name) => name.TrimEnd('.').ToLowerInvariant();

    [GeneratedRegex(@"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$")]
    private static partial Regex HostName();
}

using System.Collections.Concurrent;
using Raftex.Exchange;

namespace Raftex.Node;

/// <summary>
/// The entry format versions each peer's binary reported in its batch headers, so the leader raises the replicated version
/// only when every member can apply it. A binary's set changes only across a restart, and a restart opens new streams
/// whose first header is recorded again.
/// </summary>
internal sealed class PeerEntryFormats
{
    /// <summary>What this binary sends in every header.</summary>
    public static readonly uint[] Local = [.. CommandCodec.SupportedFormatVersions.Select(v => (uint)v)];

    // A binary older than the header field sends nothing; it applies version 1 only.
    private static readonly uint[] Legacy = [CommandCodec.FormatVersion];

    private readonly ConcurrentDictionary<long, uint[]> _byNode = new();

    /// <summary>Records what <paramref name="nodeId"/> reported (an empty list means a binary from before versions were reported).</summary>
    public void Record(long nodeId, IReadOnlyCollection<uint> versions)
    {
        if (_byNode.TryGetValue(nodeId, out var known) && known.SequenceEqual(versions.Count == 0 ? Legacy : versions))
        {
            return;
        }

        _byNode[nodeId] = versions.Count == 0 ? Legacy : [.. versions.Order()];
    }

    /// <summary>The versions <paramref name="nodeId"/> last reported, or null if it has not been heard from.</summary>
    public IReadOnlyList<uint>? Get(long nodeId) => _byNode.TryGetValue(nodeId, out var versions) ? versions : null;

    /// <summary>
    /// Why <paramref name="version"/> cannot be raised to given the other members (null when every one of them reported
    /// support): names each member that has not reported, or reported without it, with what it reported.
    /// </summary>
    public string? MissingSupport(uint version, IEnumerable<long> members)
    {
        List<string>? missing = null;
        foreach (var id in members.Order())
        {
            var versions = Get(id);
            if (versions is null)
            {
                (missing ??= []).Add($"node {id} has not reported its entry format versions yet");
            }
            else if (!versions.Contains(version))
            {
                (missing ??= []).Add($"node {id} supports only [{string.Join(", ", versions)}]");
            }
        }

        return missing is null ? null : string.Join("; ", missing);
    }
}

using System.Globalization;
using Raftex.Raft.Storage;

namespace Raftex.Node;

/// <summary>
/// The incarnation this node has accepted for each peer id, kept in the data directory. The first incarnation heard from
/// (or named when a learner is added) is pinned; any other one is refused until the member is removed, so a node that lost
/// its disk can never pose as its old self.
/// </summary>
internal sealed class PeerIncarnations
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, string> _known = [];

    public PeerIncarnations(string directory)
    {
        _path = Path.Combine(directory, "peers");
        if (File.Exists(_path))
        {
            foreach (var line in File.ReadAllLines(_path))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    _known[id] = parts[1];
                }
            }
        }
    }

    /// <summary>True when <paramref name="incarnation"/> is the one pinned for the peer (pinning it if none is yet).</summary>
    public bool Accept(long nodeId, string incarnation)
    {
        lock (_gate)
        {
            if (_known.TryGetValue(nodeId, out var pinned))
            {
                return pinned == incarnation;
            }

            Pin(nodeId, incarnation);
            return true;
        }
    }

    /// <summary>Pins an incarnation the leader vouches for, unless this node has already pinned one for the peer.</summary>
    public void Adopt(long nodeId, string incarnation)
    {
        lock (_gate)
        {
            if (!_known.ContainsKey(nodeId))
            {
                Pin(nodeId, incarnation);
            }
        }
    }

    public string? Get(long nodeId)
    {
        lock (_gate)
        {
            return _known.GetValueOrDefault(nodeId);
        }
    }

    /// <summary>Pins an incarnation given by an operator (AddLearner) or forgets a removed member's.</summary>
    public void Set(long nodeId, string? incarnation)
    {
        lock (_gate)
        {
            if (incarnation is not null)
            {
                Pin(nodeId, incarnation);
            }
            else if (_known.Remove(nodeId))
            {
                // A removal is in force at once; if the file cannot be rewritten now (a full disk) the next write catches up.
                Save(_known);
            }
        }
    }

    /// <summary>Writes a pin before trusting it: a pin that never reached the disk would be forgotten by a restart.</summary>
    private void Pin(long nodeId, string incarnation)
    {
        Save(new Dictionary<long, string>(_known) { [nodeId] = incarnation });
        _known[nodeId] = incarnation;
    }

    private void Save(IReadOnlyDictionary<long, string> pins)
    {
        var temporary = _path + ".tmp";
        try
        {
            using var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
            using var writer = new StreamWriter(stream);
            foreach (var (id, incarnation) in pins.OrderBy(p => p.Key))
            {
                writer.Write(id.ToString(CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.Write(incarnation);
                writer.Write('\n');
            }

            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        File.Move(temporary, _path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(_path)!);
    }
}

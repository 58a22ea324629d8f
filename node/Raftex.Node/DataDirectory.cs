using System.Security.Cryptography;
using Raftex.Raft.Storage;

namespace Raftex.Node;

/// <summary>
/// A node's data directory: identity (cluster id, node id, random incarnation), the WAL (whose lock file makes the
/// directory exclusive to one process) and the snapshot store. The lock is taken before anything else is read or written.
/// </summary>
/// <remarks>
/// The WAL and snapshots are opened together through <see cref="RaftStorage.Open"/>, which completes a snapshot mark
/// that a crash left out of the WAL (snapshot file saved, mark not yet synced), so the log continues right after the
/// newest snapshot instead of leaving a gap the next append would be refused for.
/// </remarks>
internal sealed class DataDirectory : IDisposable
{
    private const string IdentityFile = "identity";

    private readonly RaftStorage _storage;

    private DataDirectory(string path, RaftStorage storage, RecoveredState recovery, string clusterId, string incarnation, bool isNew)
    {
        Path = path;
        _storage = storage;
        Recovery = recovery;
        ClusterId = clusterId;
        Incarnation = incarnation;
        IsNew = isNew;
    }

    public string Path { get; }

    public WriteAheadLog Wal => _storage.Log;

    /// <summary>What the node restarts from: the newest snapshot, the hard state and the WAL entries after the snapshot.</summary>
    public RecoveredState Recovery { get; }

    public SnapshotStore Snapshots => _storage.Snapshots;

    /// <summary>Replaces a WAL poisoned by a failed write (a full disk) with one replayed from disk, under the same lock.</summary>
    public void ReopenWal() => _storage.ReopenLog();

    public string ClusterId { get; }

    public string Incarnation { get; }

    /// <summary>The directory had no identity: this process created it (a new incarnation).</summary>
    public bool IsNew { get; }

    /// <summary>What a bootstrapping node starts from instead of an empty state (a verified backup's snapshot), or null.</summary>
    public Raftex.Raft.Snapshot? Seed { get; set; }

    /// <summary>Writes a new random incarnation into the identity file (durably) and returns it.</summary>
    public string Reincarnate(long nodeId)
    {
        var incarnation = NewIncarnation();
        WriteIdentity(Path, System.IO.Path.Combine(Path, IdentityFile), ClusterId, nodeId, incarnation);
        return incarnation;
    }

    private static string NewIncarnation() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Whether <paramref name="path"/> already holds a node's identity (a started node's directory, not a new one).</summary>
    public static bool HasIdentity(string path) => File.Exists(System.IO.Path.Combine(System.IO.Path.GetFullPath(path), IdentityFile));

    /// <summary>Opens (creating if empty) and locks the directory. Throws <see cref="InvalidOperationException"/> when it belongs to another cluster or node, and <see cref="WalLockedException"/> when another process holds it.</summary>
    public static DataDirectory Open(string path, string clusterId, long nodeId, long walSegmentBytes = WalOptions.DefaultSegmentSize)
    {
        var root = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(root);
        var (storage, recovery) = RaftStorage.Open(root, new WalOptions { GroupId = 0, SegmentSize = walSegmentBytes });
        try
        {
            var identityPath = System.IO.Path.Combine(root, IdentityFile);
            var isNew = !File.Exists(identityPath);
            string incarnation;
            if (isNew)
            {
                if (recovery.LastIndex > 0 || !recovery.HardState.IsEmpty)
                {
                    throw new InvalidOperationException($"data directory {root} holds a log but no identity file; refusing to guess who it belongs to");
                }

                incarnation = NewIncarnation();
                WriteIdentity(root, identityPath, clusterId, nodeId, incarnation);
            }
            else
            {
                var values = ReadIdentity(identityPath);
                var storedCluster = values.GetValueOrDefault("cluster-id");
                if (storedCluster != clusterId)
                {
                    throw new InvalidOperationException($"data directory {root} belongs to cluster '{storedCluster}', not '{clusterId}'");
                }

                if (values.GetValueOrDefault("node-id") != nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    throw new InvalidOperationException($"data directory {root} belongs to node {values.GetValueOrDefault("node-id")}, not {nodeId}");
                }

                incarnation = values.GetValueOrDefault("incarnation") ?? throw new InvalidOperationException($"identity file {identityPath} has no incarnation");
            }

            return new DataDirectory(root, storage, recovery, clusterId, incarnation, isNew);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    private static void WriteIdentity(string root, string path, string clusterId, long nodeId, string incarnation)
    {
        var temporary = path + ".tmp";
        var text = $"cluster-id={clusterId}\nnode-id={nodeId}\nincarnation={incarnation}\n";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(root);
    }

    private static Dictionary<string, string> ReadIdentity(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq]] = line[(eq + 1)..];
            }
        }

        return values;
    }

    public void Dispose() => _storage.Dispose();
}

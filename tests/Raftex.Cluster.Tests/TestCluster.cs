using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>
/// Real raftex-node processes on loopback with free ports and temporary data directories, killed and deleted on dispose.
/// With <c>namedPeers</c> the nodes know each other only by name (<c>nN.raftex.test</c>), resolved through a shared
/// <c>--peer-hosts-file</c> the test rewrites, and each node can be (re)started on any 127.x.y.z address, as a pod comes
/// back with a new IP.
/// Every wait is a poll against a deadline derived from the configured Raft timeouts.
/// </summary>
internal sealed class TestCluster : IDisposable
{
    public const int HeartbeatMs = 50;
    public const int ElectionMs = 500;

    /// <summary>Leader election, catch-up and convergence all finish well within this many election timeouts.</summary>
    public static readonly TimeSpan Converge = TimeSpan.FromMilliseconds(ElectionMs * 60);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "raftex-cluster-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<long, NodeSlot> _slots = [];
    private readonly List<NodeProcess> _retired = [];
    private readonly Dictionary<string, GrpcChannel> _channels = [];

    public TestCluster(int planned, string clusterId = "test", long snapshotThreshold = 100_000, long checkpointInterval = 50, bool namedPeers = false)
    {
        ClusterId = clusterId;
        SnapshotThreshold = snapshotThreshold;
        CheckpointInterval = checkpointInterval;
        NamedPeers = namedPeers;
        for (var id = 1L; id <= planned; id++)
        {
            _slots[id] = new NodeSlot(id, LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), Path.Combine(_root, $"node{id}"));
        }

        if (namedPeers)
        {
            Directory.CreateDirectory(_root);
            WriteHosts();
        }
    }

    public string ClusterId { get; }

    /// <summary>Peers are addressed by name through <see cref="HostsFile"/> instead of by IP.</summary>
    public bool NamedPeers { get; }

    /// <summary>The <c>--peer-hosts-file</c> of a named-peers cluster: <c>name ip</c> per node.</summary>
    public string HostsFile => Path.Combine(_root, "hosts");

    public static string Name(long id) => $"n{id}.raftex.test";

    /// <summary>Points node <paramref name="id"/>'s name at <paramref name="ip"/> (the file is replaced whole, as a config volume update would).</summary>
    public void MapName(long id, string ip)
    {
        _slots[id].NamedIp = ip;
        WriteHosts();
    }

    private void WriteHosts()
    {
        // Written aside and renamed over, so a node never reads half a file.
        var temp = HostsFile + ".tmp";
        File.WriteAllLines(temp, ["# name ip, rewritten by the test", .. _slots.Values.Select(s => $"{Name(s.Id)} {s.NamedIp}")]);
        File.Move(temp, HostsFile, overwrite: true);
    }

    /// <summary>Options added to every node's command line (e.g. a small WAL segment size).</summary>
    public List<string> ExtraArgs { get; } = [];

    public long SnapshotThreshold { get; }

    public long CheckpointInterval { get; }

    public IEnumerable<long> Running => _slots.Values.Where(s => s.Process is { HasExited: false }).Select(s => s.Id);

    public NodeSlot Slot(long id) => _slots[id];

    /// <summary>Starts nodes 1..voters as the bootstrap voters.</summary>
    public void Bootstrap(int voters)
    {
        for (var id = 1L; id <= voters; id++)
        {
            Start(id, bootstrap: true, peerIds: Enumerable.Range(1, voters).Select(i => (long)i));
        }
    }

    /// <summary>Starts node <paramref name="id"/>, listening on <paramref name="ip"/> (default: where it listened before, first 127.0.0.1).</summary>
    public NodeProcess Start(long id, bool bootstrap = false, IEnumerable<long>? peerIds = null, string? clusterId = null, bool join = false, string? dataDir = null, string? ip = null)
    {
        var slot = _slots[id];
        if (ip is not null)
        {
            slot.ListenIp = ip;
        }

        string PeerAddress(long p) => NamedPeers ? $"{Name(p)}:{_slots[p].PeerPort}" : $"127.0.0.1:{_slots[p].PeerPort}";
        var peers = string.Join(',', (peerIds ?? _slots.Keys).Where(p => p != id).Select(p => $"{p}={PeerAddress(p)}"));
        var args = new List<string>
        {
            "--node-id", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cluster-id", clusterId ?? ClusterId,
            "--client-listen", $"{slot.ListenIp}:{slot.ClientPort}",
            "--peer-listen", $"{slot.ListenIp}:{slot.PeerPort}",
            "--admin-listen", $"{slot.ListenIp}:{slot.AdminPort}",
            "--http-listen", $"{slot.ListenIp}:{slot.HttpPort}",
            "--data-dir", dataDir ?? slot.DataDir,
            "--heartbeat-ms", HeartbeatMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--election-ms", ElectionMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--snapshot-threshold", SnapshotThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--snapshot-catchup-entries", "20",
            "--checkpoint-interval", CheckpointInterval.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        args.AddRange(ExtraArgs);
        if (NamedPeers)
        {
            // Announced to the others in every batch: the name, so nobody learns an IP behind the resolver's back.
            args.AddRange(["--advertise-peer", PeerAddress(id), "--peer-hosts-file", HostsFile]);
        }

        if (peers.Length > 0)
        {
            args.Add("--peers");
            args.Add(peers);
        }

        if (bootstrap)
        {
            args.Add("--bootstrap");
        }

        if (join)
        {
            args.Add("--join");
        }

        var process = NodeProcess.Start(args);
        if (dataDir is null)
        {
            if (slot.Process is not null)
            {
                _retired.Add(slot.Process);
            }

            slot.Process = process;
        }
        else
        {
            _retired.Add(process);
        }

        return process;
    }

    public void Kill(long id) => _slots[id].Process?.Kill();

    public void WipeData(long id)
    {
        if (Directory.Exists(_slots[id].DataDir))
        {
            Directory.Delete(_slots[id].DataDir, recursive: true);
        }
    }

    /// <summary>A raw Exchange client bound to one node (no leader discovery, so a follower has to forward).</summary>
    public Raftex.Protocol.V1.Exchange.ExchangeClient ExchangeAt(long id) => new(Channel(id, _slots[id].ClientPort).CreateCallInvoker());

    public AdminClient Admin(long id) => new(Channel(id, _slots[id].AdminPort).CreateCallInvoker(), TimeSpan.FromMilliseconds(ElectionMs * 6));

    private GrpcChannel Channel(long id, int port)
    {
        var address = $"http://{_slots[id].ListenIp}:{port}";
        if (!_channels.TryGetValue(address, out var channel))
        {
            _channels[address] = channel = GrpcChannel.ForAddress(address);
        }

        return channel;
    }

    public async Task<NodeStatus?> StatusAsync(long id)
    {
        var result = await Admin(id).GetStatusAsync().ConfigureAwait(false);
        return result.IsOk ? result.Value : null;
    }

    public ExchangeClientOptions ClientOptions(IEnumerable<long>? nodes = null) => new()
    {
        Addresses = [.. (nodes ?? _slots.Keys.Where(k => _slots[k].Process is not null)).Select(id => $"{_slots[id].ListenIp}:{_slots[id].ClientPort}")],
        AttemptTimeout = TimeSpan.FromMilliseconds(ElectionMs * 4),
        RetryBudget = Converge,
        Backoff = TimeSpan.FromMilliseconds(HeartbeatMs / 2),
    };

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> at the deadline.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, Func<T, bool> condition, string what, TimeSpan? within = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (within ?? Converge);
        T? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await probe().ConfigureAwait(false);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(HeartbeatMs).ConfigureAwait(false);
        }

        throw new TimeoutException($"timed out waiting for {what}; last seen: {last}");
    }

    /// <summary>Like <see cref="WaitForAsync"/>, with the nodes' recent output in the failure message.</summary>
    public async Task<T> UntilAsync<T>(Func<Task<T?>> probe, Func<T, bool> condition, string what)
        where T : class
    {
        try
        {
            return await WaitForAsync(probe, condition, what).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + Logs(), ex);
        }
    }

    /// <summary>Waits until the running nodes (or the given ones) agree on one leader, and returns its id.</summary>
    public async Task<long> WaitForLeaderAsync(IEnumerable<long>? among = null, long except = 0)
    {
        var nodes = (among ?? Running).ToList();
        try
        {
            return await LeaderAmongAsync(nodes, except).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + Logs(), ex);
        }
    }

    private async Task<long> LeaderAmongAsync(List<long> nodes, long except)
    {
        var agreed = await WaitForAsync(
            async () =>
            {
                var leaders = new List<ulong>();
                foreach (var id in nodes)
                {
                    var s = await StatusAsync(id).ConfigureAwait(false);
                    leaders.Add(s?.LeaderId ?? 0);
                }

                return leaders.Count > 0 && leaders[0] != 0 && (long)leaders[0] != except && leaders.All(l => l == leaders[0]) ? new[] { leaders[0] } : null;
            },
            _ => true,
            $"one leader among nodes {string.Join(',', nodes)}").ConfigureAwait(false);
        var leader = (long)agreed[0];
        await WaitForAsync(async () => await StatusAsync(leader).ConfigureAwait(false), s => s.Role == Role.Leader, $"node {leader} to lead").ConfigureAwait(false);
        return leader;
    }

    /// <summary>Waits until every given node has applied the same index as the leader's commit, and returns their statuses.</summary>
    public async Task<List<NodeStatus>> WaitForConvergenceAsync(IEnumerable<long>? nodes = null)
    {
        var ids = (nodes ?? Running).ToList();
        List<NodeStatus>? statuses = null;
        await WaitForAsync(
            async () =>
            {
                statuses = [];
                foreach (var id in ids)
                {
                    if (await StatusAsync(id).ConfigureAwait(false) is not { } s)
                    {
                        return null;
                    }

                    statuses.Add(s);
                }

                return statuses;
            },
            all => all.Select(s => s.AppliedIndex).Distinct().Count() == 1 && all.All(s => s.AppliedIndex == s.CommitIndex && s.LeaderId != 0),
            $"nodes {string.Join(',', ids)} to apply the same index").ConfigureAwait(false);
        return statuses!;
    }

    public string Logs() => string.Join("\n", _slots.Values.Where(s => s.Process is not null).Select(s => $"--- node {s.Id} ---\n{Tail(s.Process!.Output)}"));

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Process?.Dispose();
        }

        foreach (var p in _retired)
        {
            p.Dispose();
        }

        foreach (var c in _channels.Values)
        {
            c.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still be releasing a file; the OS cleans temp eventually.
        }
    }
}

/// <summary>Ports and data directory reserved for one node id.</summary>
internal sealed record NodeSlot(long Id, int ClientPort, int PeerPort, int AdminPort, int HttpPort, string DataDir)
{
    public NodeProcess? Process { get; set; }

    /// <summary>The loopback address the node listens on.</summary>
    public string ListenIp { get; set; } = "127.0.0.1";

    /// <summary>Where the hosts file points the node's name (named-peers clusters).</summary>
    public string NamedIp { get; set; } = "127.0.0.1";
}

using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>
/// Real raftex-node processes on 127.0.0.1 with free ports and temporary data directories, killed and deleted on dispose.
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
    private readonly Dictionary<string, GrpcChannel> _adminChannels = [];

    public TestCluster(int planned, string clusterId = "test", long snapshotThreshold = 100_000, long checkpointInterval = 50)
    {
        ClusterId = clusterId;
        SnapshotThreshold = snapshotThreshold;
        CheckpointInterval = checkpointInterval;
        for (var id = 1L; id <= planned; id++)
        {
            _slots[id] = new NodeSlot(id, LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), Path.Combine(_root, $"node{id}"));
        }
    }

    public string ClusterId { get; }

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

    public NodeProcess Start(long id, bool bootstrap = false, IEnumerable<long>? peerIds = null, string? clusterId = null, bool join = false, string? dataDir = null)
    {
        var slot = _slots[id];
        var peers = string.Join(',', (peerIds ?? _slots.Keys).Where(p => p != id).Select(p => $"{p}=127.0.0.1:{_slots[p].PeerPort}"));
        var args = new List<string>
        {
            "--node-id", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cluster-id", clusterId ?? ClusterId,
            "--client-listen", $"127.0.0.1:{slot.ClientPort}",
            "--peer-listen", $"127.0.0.1:{slot.PeerPort}",
            "--admin-listen", $"127.0.0.1:{slot.AdminPort}",
            "--http-listen", $"127.0.0.1:{slot.HttpPort}",
            "--data-dir", dataDir ?? slot.DataDir,
            "--heartbeat-ms", HeartbeatMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--election-ms", ElectionMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--snapshot-threshold", SnapshotThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--snapshot-catchup-entries", "20",
            "--checkpoint-interval", CheckpointInterval.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        args.AddRange(ExtraArgs);
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

    public AdminClient Admin(long id) => new(AdminChannel(id).CreateCallInvoker(), TimeSpan.FromMilliseconds(ElectionMs * 6));

    private GrpcChannel AdminChannel(long id)
    {
        var address = $"http://127.0.0.1:{_slots[id].AdminPort}";
        if (!_adminChannels.TryGetValue(address, out var channel))
        {
            _adminChannels[address] = channel = GrpcChannel.ForAddress(address);
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
        Addresses = [.. (nodes ?? _slots.Keys.Where(k => _slots[k].Process is not null)).Select(id => $"127.0.0.1:{_slots[id].ClientPort}")],
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

        foreach (var c in _adminChannels.Values)
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
}

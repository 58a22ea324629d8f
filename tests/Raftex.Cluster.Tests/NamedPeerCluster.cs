using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>
/// Real raftex-node processes that know each other only by name (<c>nN.raftex.test</c>), resolved through a shared
/// <c>--peer-hosts-file</c> the test rewrites; each node can be (re)started on any 127.x.y.z address, as a pod comes back
/// with a new IP. Everything is killed and deleted on dispose.
/// </summary>
internal sealed class NamedPeerCluster : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "raftex-named-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<long, Member> _slots = [];
    private readonly Dictionary<long, string> _ips = [];
    private readonly List<NodeProcess> _retired = [];
    private readonly Dictionary<string, GrpcChannel> _channels = [];

    public NamedPeerCluster(int size, long checkpointInterval)
    {
        Directory.CreateDirectory(_root);
        CheckpointInterval = checkpointInterval;
        for (var id = 1L; id <= size; id++)
        {
            _slots[id] = new Member(id, LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), LoopbackPorts.Reserve(), Path.Combine(_root, $"node{id}"));
            _ips[id] = "127.0.0.1";
        }

        WriteHosts();
    }

    public long CheckpointInterval { get; }

    public string HostsFile => Path.Combine(_root, "hosts");

    public IReadOnlyCollection<long> Ids => _slots.Keys;

    public static string Name(long id) => $"n{id}.raftex.test";

    public string Ip(long id) => _ips[id];

    public NodeProcess Process(long id) => _slots[id].Process ?? throw new InvalidOperationException($"node {id} was never started");

    /// <summary>Points node <paramref name="id"/>'s name at <paramref name="ip"/> in the hosts file (replaced whole, as a config volume update would).</summary>
    public void MapName(long id, string ip)
    {
        _ips[id] = ip;
        WriteHosts();
    }

    /// <summary>Starts node <paramref name="id"/> listening on <paramref name="ip"/>; its peers and its own advertised peer address are names only.</summary>
    public void Start(long id, string ip, bool bootstrap)
    {
        var slot = _slots[id];
        string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "--node-id", Invariant(id),
            "--cluster-id", "named",
            "--client-listen", $"{ip}:{slot.ClientPort}",
            "--peer-listen", $"{ip}:{slot.PeerPort}",
            "--admin-listen", $"{ip}:{slot.AdminPort}",
            "--http-listen", $"{ip}:{slot.HttpPort}",
            // Announced to the others in every batch: the name, so nobody learns an IP behind the resolver's back.
            "--advertise-peer", $"{Name(id)}:{slot.PeerPort}",
            "--peers", string.Join(',', _slots.Values.Where(s => s.Id != id).Select(s => $"{s.Id}={Name(s.Id)}:{s.PeerPort}")),
            "--peer-hosts-file", HostsFile,
            "--data-dir", slot.DataDir,
            "--heartbeat-ms", Invariant(TestCluster.HeartbeatMs),
            "--election-ms", Invariant(TestCluster.ElectionMs),
            "--checkpoint-interval", Invariant(CheckpointInterval),
        };
        if (bootstrap)
        {
            args.Add("--bootstrap");
        }

        if (slot.Process is not null)
        {
            _retired.Add(slot.Process);
        }

        slot.Process = NodeProcess.Start(args);
        slot.ListenIp = ip;
    }

    public void Kill(long id) => _slots[id].Process?.Kill();

    public AdminClient Admin(long id) => new(Channel(id, _slots[id].AdminPort).CreateCallInvoker(), TimeSpan.FromMilliseconds(TestCluster.ElectionMs * 6));

    /// <summary>A raw Exchange client bound to one node (no leader discovery, so a follower has to forward).</summary>
    public Exchange.ExchangeClient ExchangeAt(long id) => new(Channel(id, _slots[id].ClientPort));

    public async Task<NodeStatus?> StatusAsync(long id)
    {
        var result = await Admin(id).GetStatusAsync().ConfigureAwait(false);
        return result.IsOk ? result.Value : null;
    }

    public ExchangeClientOptions ClientOptions() => new()
    {
        Addresses = [.. _slots.Values.Select(s => $"{s.ListenIp}:{s.ClientPort}")],
        AttemptTimeout = TimeSpan.FromMilliseconds(TestCluster.ElectionMs * 4),
        RetryBudget = TestCluster.Converge,
        Backoff = TimeSpan.FromMilliseconds(TestCluster.HeartbeatMs / 2),
    };

    /// <summary>Polls until <paramref name="condition"/> holds, failing with the nodes' recent output.</summary>
    public async Task<T> UntilAsync<T>(Func<Task<T?>> probe, Func<T, bool> condition, string what)
        where T : class
    {
        try
        {
            return await TestCluster.WaitForAsync(probe, condition, what).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + Logs(), ex);
        }
    }

    /// <summary>Waits until every node names the same leader and that node leads.</summary>
    public async Task<long> WaitForLeaderAsync()
    {
        var agreed = await UntilAsync(
            async () =>
            {
                var leaders = new List<ulong>();
                foreach (var id in _slots.Keys)
                {
                    leaders.Add((await StatusAsync(id).ConfigureAwait(false))?.LeaderId ?? 0);
                }

                return leaders[0] != 0 && leaders.All(l => l == leaders[0]) ? new[] { leaders[0] } : null;
            },
            _ => true,
            "one leader named by every node").ConfigureAwait(false);
        var leader = (long)agreed[0];
        await UntilAsync(() => StatusAsync(leader), s => s.Role == Role.Leader, $"node {leader} to lead").ConfigureAwait(false);
        return leader;
    }

    /// <summary>Waits until every node has applied the same index as its commit index, and returns their statuses.</summary>
    public async Task<List<NodeStatus>> WaitForConvergenceAsync()
    {
        List<NodeStatus>? statuses = null;
        await UntilAsync(
            async () =>
            {
                statuses = [];
                foreach (var id in _slots.Keys)
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
            "every node to apply the same index").ConfigureAwait(false);
        return statuses!;
    }

    public string Logs() => string.Join("\n", _slots.Values.Where(s => s.Process is not null).Select(s => $"--- node {s.Id} ---\n{Tail(s.Process!.Output)}"));

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;

    private GrpcChannel Channel(long id, int port)
    {
        var address = $"http://{_slots[id].ListenIp}:{port}";
        if (!_channels.TryGetValue(address, out var channel))
        {
            _channels[address] = channel = GrpcChannel.ForAddress(address);
        }

        return channel;
    }

    private void WriteHosts()
    {
        // Written aside and renamed over, so a node never reads half a file.
        var temp = HostsFile + ".tmp";
        File.WriteAllLines(temp, ["# name ip, rewritten by the test", .. _ips.Select(p => $"{Name(p.Key)} {p.Value}")]);
        File.Move(temp, HostsFile, overwrite: true);
    }

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

    private sealed class Member(long id, int clientPort, int peerPort, int adminPort, int httpPort, string dataDir)
    {
        public long Id { get; } = id;

        public int ClientPort { get; } = clientPort;

        public int PeerPort { get; } = peerPort;

        public int AdminPort { get; } = adminPort;

        public int HttpPort { get; } = httpPort;

        public string DataDir { get; } = dataDir;

        public string ListenIp { get; set; } = "127.0.0.1";

        public NodeProcess? Process { get; set; }
    }
}
